import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, Button, Card, Col, Input, Modal, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useUrlFilters } from '../components/useUrlFilters';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { visibleProjectIds, visibleProjectsWhere } from '../modules/auth/project-access';
import { requireFilterAccess, requireRecordAccess } from '../modules/auth/project-access.server';
import { clientIp } from '../modules/auth/session.server';
import { retryWriteBack, writeBackPage } from '../modules/wrapup/outbox.server';
import { WRITE_BACK_STATES, type WriteBackState } from '../modules/wrapup/wrapup-schema';
import { formatDateTime } from '../utils/format';

// 回写投递: the write-back outbox for supervisors — what waits, what failed and why, retry.

const PAGE_SIZE = 50;
const TABS = ['pending', 'dead', 'delivered', 'skipped', 'all'] as const;

export const loader = withPermission('wrapup.view', async ({ request, user }) => {
  const url = new URL(request.url);
  const tab = z
    .enum(TABS)
    .catch('pending')
    .parse(url.searchParams.get('state') ?? 'pending');
  const page = z.coerce.number().int().min(1).catch(1).parse(url.searchParams.get('page'));
  const project = url.searchParams.get('project') ?? '';
  const projectId = /^[0-9a-f-]{36}$/i.test(project) ? project : undefined;
  await requireFilterAccess(user, { project: projectId });
  const [data, projects] = await Promise.all([
    writeBackPage({
      state: tab === 'all' ? undefined : (tab as WriteBackState),
      projectId,
      visible: visibleProjectIds(user),
      page,
      pageSize: PAGE_SIZE,
      timeZone: user.timeZone,
    }),
    prisma.project.findMany({
      where: visibleProjectsWhere(user),
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true },
    }),
  ]);
  return { ...data, tab, projects, canManage: can(user.role, 'wrapup.manage'), timeZone: user.timeZone };
});

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('retry'), id: z.string().uuid() }),
  z.object({ intent: z.literal('editRetry'), id: z.string().uuid(), payload: z.string().max(200_000) }),
]);

export const action = withPermission('wrapup.manage', async ({ request, user }) => {
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, errors: [{ field: 'request', message: 'wrapup.errors.invalid' }] };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  const { data } = parsed;
  await requireRecordAccess(user, 'writeBack', data.id);
  return retryWriteBack(actor, data.id, data.intent === 'editRetry' ? data.payload : undefined);
});

type Item = ReturnType<typeof useLoaderData<typeof loader>>['rows'][number];

const STATE_COLOR: Record<WriteBackState, string> = {
  pending: 'processing',
  dead: 'error',
  delivered: 'success',
  skipped: 'default',
};

function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export default function WriteBacksPage() {
  const { rows, total, page, pageSize, counts, deliveredToday, latency, tab, projects, canManage, timeZone } =
    useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { params, setFilter, pagination } = useUrlFilters();
  const fetcher = useFetcher<typeof action>();
  const [editing, setEditing] = useState<Item | null>(null);
  const [text, setText] = useState('');
  const when = (iso: string | null) => (iso ? formatDateTime(iso, timeZone, i18n.language) : '—');
  const busy = fetcher.state !== 'idle';
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.errors[0]?.message : null;

  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) setEditing(null);
  }, [fetcher.state, fetcher.data]);

  const submit = (body: { intent: 'retry'; id: string } | { intent: 'editRetry'; id: string; payload: string }) =>
    fetcher.submit(body, { method: 'post', encType: 'application/json' });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="writebacks-page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('wrapup.title')}</Typography.Title>
        <Link to="/wrapup/reviews" data-testid="reviews-link">
          {t('wrapup.reviewsLink')}
        </Link>
      </Space>
      <Typography.Paragraph type="secondary">{t('wrapup.subtitle')}</Typography.Paragraph>
      <Row gutter={16}>
        <Col span={5}>
          <Card>
            <Statistic title={t('wrapup.stats.pending')} value={counts.pending} data-testid="stat-pending" />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic
              title={t('wrapup.stats.dead')}
              value={counts.dead}
              styles={{ content: counts.dead ? { color: '#cf1322' } : {} }}
              data-testid="stat-dead"
            />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic title={t('wrapup.stats.deliveredToday')} value={deliveredToday} />
          </Card>
        </Col>
        <Col span={4}>
          <Card>
            <Statistic title={t('wrapup.stats.p50')} value={formatLatency(latency.p50Ms)} />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic title={t('wrapup.stats.p95')} value={formatLatency(latency.p95Ms)} />
          </Card>
        </Col>
      </Row>
      <Space wrap>
        <Segmented
          data-testid="state-tabs"
          value={tab}
          onChange={(value) => setFilter('state', String(value))}
          options={TABS.map((s) => ({
            value: s,
            label: s === 'all' ? t('wrapup.tabs.all') : `${t(`wrapup.tabs.${s}`)} (${counts[s]})`,
          }))}
        />
        <Select
          allowClear
          style={{ minWidth: 220 }}
          placeholder={t('wrapup.columns.project')}
          value={params.get('project') ?? undefined}
          onChange={(value?: string) => setFilter('project', value)}
          options={projects.map((p) => ({ value: p.id, label: p.name }))}
        />
      </Space>
      {error && !editing ? <Alert type="error" showIcon title={t(error)} /> : null}
      {tab === 'skipped' ? <Alert type="info" showIcon title={t('wrapup.noCrm')} /> : null}
      <Table<Item>
        rowKey="id"
        size="small"
        dataSource={rows}
        pagination={pagination(page, pageSize, total)}
        locale={{ emptyText: t('wrapup.empty') }}
        columns={[
          { title: t('wrapup.columns.project'), dataIndex: 'projectName' },
          { title: t('wrapup.columns.contact'), dataIndex: 'contactRef' },
          { title: t('wrapup.columns.kind'), dataIndex: 'kind', render: (k: string) => t(`wrapup.kind.${k}`) },
          {
            title: t('wrapup.columns.state'),
            dataIndex: 'state',
            render: (s: WriteBackState) => (
              <Tag color={STATE_COLOR[s]} data-testid={`state-${s}`}>
                {(WRITE_BACK_STATES as readonly string[]).includes(s) ? t(`wrapup.state.${s}`) : s}
              </Tag>
            ),
          },
          { title: t('wrapup.columns.tries'), dataIndex: 'tries' },
          {
            title: t('wrapup.columns.lastError'),
            dataIndex: 'lastError',
            render: (e: string | null) => (e ? <Typography.Text type="danger">{e}</Typography.Text> : '—'),
          },
          { title: t('wrapup.columns.createdAt'), dataIndex: 'createdAt', render: when },
          {
            title: t('wrapup.columns.nextTryAt'),
            dataIndex: 'nextTryAt',
            render: (iso: string, row) => (row.state === 'pending' ? when(iso) : '—'),
          },
          { title: t('wrapup.columns.deliveredAt'), dataIndex: 'deliveredAt', render: when },
          { title: t('wrapup.columns.latency'), dataIndex: 'latencyMs', render: (ms: number | null) => formatLatency(ms) },
          ...(canManage
            ? [
                {
                  title: t('wrapup.columns.actions'),
                  key: 'actions',
                  render: (_: unknown, row: Item) =>
                    row.state === 'dead' || row.state === 'pending' ? (
                      <Space>
                        <Button
                          size="small"
                          loading={busy}
                          data-testid="retry"
                          onClick={() => submit({ intent: 'retry', id: row.id })}
                        >
                          {t('wrapup.retry')}
                        </Button>
                        <Button
                          size="small"
                          data-testid="edit-retry"
                          onClick={() => {
                            setText(JSON.stringify(row.payload, null, 2));
                            setEditing(row);
                          }}
                        >
                          {t('wrapup.editRetry')}
                        </Button>
                      </Space>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={!!editing}
        title={t('wrapup.editTitle')}
        width={720}
        okText={t('wrapup.retry')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onCancel={() => setEditing(null)}
        onOk={() => editing && submit({ intent: 'editRetry', id: editing.id, payload: text })}
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('wrapup.editHint')}</Typography.Text>
          <Typography.Text>
            {t('wrapup.idempotencyKey')}: <Typography.Text code>{editing?.idempotencyKey}</Typography.Text>
          </Typography.Text>
          <Input.TextArea
            data-testid="payload-editor"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoSize={{ minRows: 12, maxRows: 24 }}
            style={{ fontFamily: 'monospace' }}
          />
          {error && editing ? <Alert type="error" showIcon title={t(error)} data-testid="edit-error" /> : null}
        </Space>
      </Modal>
    </Space>
  );
}
