import { Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import { Button, Card, Popconfirm, Segmented, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useLiveSnapshot } from '../components/monitoring/useLiveSnapshot';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { notFound, visibleProjectIds } from '../modules/auth/project-access';
import { requireRecordAccess } from '../modules/auth/project-access.server';
import { acknowledgeAlert, alertScope, listAlerts, resolveAlert } from '../modules/monitoring/alerts.server';
import { releaseBreaker } from '../modules/monitoring/breakers.server';
import { formatDateTime } from '../utils/format';

export const loader = withPermission('monitoring.view', async ({ request, user }) => {
  const state = new URL(request.url).searchParams.get('state') ?? 'open';
  return {
    at: new Date().toISOString(),
    alerts: await listAlerts({ state: state === 'all' ? undefined : state, visible: visibleProjectIds(user) }),
    canManage: can(user.role, 'monitoring.manage'),
    timeZone: user.timeZone,
  };
});

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('acknowledge'), id: z.string().uuid() }),
  z.object({ intent: z.literal('resolve'), id: z.string().uuid() }),
  z.object({ intent: z.literal('release'), breakerId: z.string().uuid() }),
]);

export const action = withPermission('monitoring.manage', async ({ request, user }) => {
  const parsed = ActionSchema.safeParse(Object.fromEntries(await request.formData().catch(() => new FormData())));
  if (!parsed.success) return Response.json({ ok: false, error: 'monitoring.errors.badRequest' }, { status: 400 });
  const actor = { id: user.id, name: user.login };
  const a = parsed.data;
  // An alert (or its breaker) of a project the user does not see is "not found" (ADR 106).
  const scope = await alertScope(visibleProjectIds(user));
  const breaker = a.intent === 'release' ? await prisma.circuitBreaker.findUnique({ where: { id: a.breakerId } }) : null;
  if (breaker?.kind === 'capPacing') await requireRecordAccess(user, 'task', breaker.target);
  const alertId = a.intent === 'release' ? breaker?.alertId : a.id;
  if (alertId && !(await prisma.alert.count({ where: { AND: [{ id: alertId }, scope] } }))) notFound();
  const ok =
    a.intent === 'acknowledge'
      ? await acknowledgeAlert(actor, a.id)
      : a.intent === 'resolve'
        ? await resolveAlert(actor, a.id)
        : await releaseBreaker(a.breakerId, actor);
  return Response.json({ ok });
});

const TOPICS = ['alert', 'task'];
const SEVERITY_COLORS: Record<string, string> = { info: 'blue', warning: 'orange', critical: 'red' };
const STATE_COLORS: Record<string, string> = { firing: 'red', acknowledged: 'gold', resolved: 'green' };

export default function AlertsPage() {
  const { alerts, canManage, timeZone, at } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const fetcher = useFetcher();
  useLiveSnapshot('/live/monitoring', TOPICS, at);
  const post = (data: Record<string, string>) => fetcher.submit(data, { method: 'post' });

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('monitoring.alerts')}
        </Typography.Title>
        <Space>
          <Segmented
            value={params.get('state') ?? 'open'}
            onChange={(v) => setParams({ state: String(v) })}
            options={['open', 'firing', 'acknowledged', 'resolved', 'all'].map((s) => ({
              value: s,
              label: t(`monitoring.states.${s}`),
            }))}
          />
          <Link to="/monitoring/rules">{t('monitoring.rules')}</Link>
        </Space>
      </Space>
      <Card size="small">
        <Table
          rowKey="id"
          size="small"
          dataSource={alerts}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          onRow={(row) => ({ 'data-testid': `alert-${row.id}` }) as React.HTMLAttributes<HTMLElement>}
          expandable={{
            expandedRowRender: (row) => (
              <Timeline
                items={row.history.map((h) => ({
                  children: (
                    <span>
                      {formatDateTime(h.at, timeZone, i18n.language)} ·{' '}
                      {t(`monitoring.events.${h.event}`, { defaultValue: h.event })} · {h.by}
                      {h.note ? ` — ${h.note}` : ''}
                    </span>
                  ),
                }))}
              />
            ),
          }}
          columns={[
            {
              title: t('monitoring.firedAt'),
              dataIndex: 'firedAt',
              render: (v: string) => formatDateTime(v, timeZone, i18n.language),
            },
            {
              title: t('monitoring.severity'),
              dataIndex: 'severity',
              render: (s: string) => <Tag color={SEVERITY_COLORS[s]}>{t(`monitoring.severities.${s}`)}</Tag>,
            },
            { title: t('monitoring.rule'), dataIndex: 'ruleName' },
            { title: t('monitoring.subject'), dataIndex: 'subjectLabel' },
            {
              title: t('monitoring.value'),
              key: 'v',
              render: (_, r) =>
                `${t(`monitoring.metrics.${r.metric}`)} ${r.value} (${t(`monitoring.windows.${r.window}`)}, n=${r.sample})`,
            },
            {
              title: t('monitoring.state'),
              dataIndex: 'state',
              render: (s: string) => (
                <Tag color={STATE_COLORS[s]} data-testid="alert-state">
                  {t(`monitoring.states.${s}`)}
                </Tag>
              ),
            },
            {
              title: t('monitoring.breaker'),
              key: 'b',
              render: (_, r) =>
                r.breakers.map((b) => (
                  <Space key={b.id} size={4}>
                    <Tag color={b.active ? 'red' : 'default'}>
                      {t(`monitoring.breakers.${b.kind}`)}
                      {b.active ? '' : ` · ${t('monitoring.released')}`}
                    </Tag>
                    {b.active && canManage ? (
                      <Popconfirm
                        title={t(`monitoring.releaseConfirm.${b.kind}`)}
                        onConfirm={() => post({ intent: 'release', breakerId: b.id })}
                      >
                        <Button size="small" data-testid="release-breaker">
                          {t(b.kind === 'pauseTask' ? 'monitoring.resumeTask' : 'monitoring.release')}
                        </Button>
                      </Popconfirm>
                    ) : null}
                    {b.kind === 'pauseTask' || b.kind === 'capPacing' ? (
                      <Link to={`/tasks/${b.target}`}>{t('monitoring.openTask')}</Link>
                    ) : null}
                  </Space>
                )),
            },
            {
              title: '',
              key: 'actions',
              render: (_, r) =>
                canManage ? (
                  <Space>
                    {r.state === 'firing' ? (
                      <Button
                        size="small"
                        type="primary"
                        data-testid="ack"
                        onClick={() => post({ intent: 'acknowledge', id: r.id })}
                      >
                        {t('monitoring.acknowledge')}
                      </Button>
                    ) : null}
                    {r.state !== 'resolved' ? (
                      <Button size="small" data-testid="resolve" onClick={() => post({ intent: 'resolve', id: r.id })}>
                        {t('monitoring.resolve')}
                      </Button>
                    ) : null}
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
