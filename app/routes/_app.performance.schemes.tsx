import { Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import { Button, Card, Col, Row, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SchemeEditor } from '../components/performance/SchemeEditor';
import { SchemeTestPanel } from '../components/performance/SchemeTestPanel';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { notFound, requireProjectAccess, visibleProjectsWhere } from '../modules/auth/project-access';
import { clientIp } from '../modules/auth/session.server';
import { inScope } from '../modules/performance/leaderboard.server';
import { defaultConfig, type SchemeInput, SchemeInputSchema, type SchemeProblem } from '../modules/performance/scheme-schema';
import { testScheme } from '../modules/performance/scheme-test.server';
import { listSchemes, saveScheme, schemeVersions } from '../modules/performance/schemes.server';
import { formatDateTime } from '../utils/format';

// 绩效方案: create and change schemes (each save is a new, audited version) and try them on samples.
export const loader = withPermission('performance.manage', async ({ request, user }) => {
  const selected = new URL(request.url).searchParams.get('id');
  const [all, projects, teams] = await Promise.all([
    listSchemes(),
    prisma.project.findMany({
      where: { status: { not: 'archived' }, ...visibleProjectsWhere(user) },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    }),
    prisma.skillGroup.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
  ]);
  const schemes = all.filter((s) => inScope(user, s));
  const versions = selected && schemes.some((s) => s.id === selected) ? await schemeVersions(selected) : [];
  return { schemes, projects, teams, selected, versions, timeZone: user.timeZone };
});

type Reply = { ok: true; id: string; version: number } | { ok: false; problems: SchemeProblem[] };

export const action = withPermission('performance.manage', async ({ request, user }) => {
  const body = (await request.json().catch(() => null)) as { intent?: string; scheme?: unknown } | null;
  if (body?.intent === 'test') return testScheme(body);
  const parsed = SchemeInputSchema.safeParse(body?.scheme);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({
        field: i.path.join('.'),
        key: 'shape',
        params: { path: i.path.join('.') || '—' },
      })),
    } satisfies Reply;
  // A scheme of a project the user does not see can be neither changed nor created (ADR 106).
  if (parsed.data.scopeKind === 'project' && parsed.data.projectId) requireProjectAccess(user, parsed.data.projectId);
  if (parsed.data.id) {
    const existing = await prisma.performanceScheme.findUnique({ where: { id: parsed.data.id } });
    if (existing && !inScope(user, existing)) notFound();
  }
  return saveScheme({ id: user.id, name: user.login, ip: clientIp(request) }, parsed.data) satisfies Promise<Reply>;
});

const blank = (): SchemeInput => ({
  name: '',
  scopeKind: 'project',
  projectId: null,
  skillGroupId: null,
  timeZone: 'Asia/Shanghai',
  active: true,
  config: defaultConfig('successes'),
});

export default function PerformanceSchemesPage() {
  const { schemes, projects, teams, selected, versions, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const [, setParams] = useSearchParams();
  const fetcher = useFetcher<Reply>();
  const current = schemes.find((s) => s.id === selected);
  const [editing, setEditing] = useState<SchemeInput | null>(null);
  // Load the scheme into the editor when another scheme or a new version is shown — not on every
  // revalidation (a test run revalidates the page; the user's unsaved edits must stay).
  const loaded = current ? `${current.id}:${current.version}` : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the scheme's id and version on purpose (see above)
  useEffect(() => {
    if (current)
      setEditing({
        id: current.id,
        name: current.name,
        scopeKind: current.scopeKind,
        projectId: current.projectId,
        skillGroupId: current.skillGroupId,
        timeZone: current.timeZone,
        active: current.active,
        config: current.config,
      });
  }, [loaded]);
  const reply = fetcher.data;
  useEffect(() => {
    if (reply?.ok) setParams({ id: reply.id });
  }, [reply, setParams]);

  const save = () =>
    editing &&
    fetcher.submit(JSON.stringify({ intent: 'save', scheme: editing }), { method: 'post', encType: 'application/json' });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('performance.schemes.title')}
        </Typography.Title>
        <Space>
          <Link to="/performance">
            <Button>{t('performance.title')}</Button>
          </Link>
          <Button
            type="primary"
            data-testid="new-scheme"
            onClick={() => {
              setParams({});
              setEditing(blank());
            }}
          >
            {t('performance.schemes.new')}
          </Button>
        </Space>
      </Space>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={schemes}
        data-testid="schemes"
        onRow={(s) => ({ onClick: () => setParams({ id: s.id }), style: { cursor: 'pointer' } })}
        rowClassName={(s) => (s.id === selected ? 'ant-table-row-selected' : '')}
        columns={[
          { title: t('performance.schemes.name'), dataIndex: 'name' },
          {
            title: t('performance.schemes.scope'),
            render: (_, s) => `${t(`performance.schemes.${s.scopeKind}`)} · ${s.scopeName}`,
          },
          { title: t('performance.schemes.kind'), render: (_, s) => t(`performance.kinds.${s.config.kind}`) },
          { title: t('performance.schemes.showRank'), render: (_, s) => (s.config.showRank ? t('common.yes') : t('common.no')) },
          { title: t('performance.schemes.version'), render: (_, s) => `v${s.version}` },
          { title: '', render: (_, s) => (s.active ? null : <Tag>{t('performance.inactive')}</Tag>) },
        ]}
      />
      {editing ? (
        <Row gutter={16}>
          <Col xs={24} xl={14}>
            <Card
              size="small"
              title={editing.id ? `${editing.name} · v${current?.version ?? ''}` : t('performance.schemes.new')}
              extra={
                <Button type="primary" onClick={save} loading={fetcher.state !== 'idle'} data-testid="save-scheme">
                  {t('common.save')}
                </Button>
              }
            >
              <SchemeEditor
                value={editing}
                onChange={setEditing}
                projects={projects}
                teams={teams}
                serverProblems={reply && !reply.ok && fetcher.state === 'idle' ? reply.problems : []}
              />
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <SchemeTestPanel key={editing.id ?? 'new'} config={editing.config} />
              {versions.length ? (
                <Card size="small" title={t('performance.schemes.versions')}>
                  <Table
                    size="small"
                    rowKey="version"
                    pagination={false}
                    dataSource={versions}
                    columns={[
                      { title: t('performance.schemes.version'), render: (_, v) => `v${v.version}` },
                      { title: t('performance.schemes.kind'), render: (_, v) => t(`performance.kinds.${v.config.kind}`) },
                      { title: t('performance.schemes.by'), dataIndex: 'createdBy' },
                      {
                        title: t('performance.schemes.at'),
                        render: (_, v) => formatDateTime(v.createdAt, timeZone, i18n.language),
                      },
                    ]}
                  />
                </Card>
              ) : null}
            </Space>
          </Col>
        </Row>
      ) : null}
    </Space>
  );
}
