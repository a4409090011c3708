import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { Button, Card, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { describeCondition } from '../modules/monitoring/alert-schema';
import { deleteAlertRule, listAlertRules, saveAlertRule } from '../modules/monitoring/alerts.server';
import { requireRuleEditable, visibleRules } from '../modules/monitoring/rule-access.server';
import type { Condition } from '../rules/condition';

export const loader = withPermission('monitoring.view', async ({ user }) => ({
  rules: (await visibleRules(user, await listAlertRules())).map((r) => ({
    ...r,
    threshold: describeCondition(r.condition as unknown as Condition),
  })),
  canManage: can(user.role, 'monitoring.manage'),
}));

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('delete'), id: z.string().uuid() }),
  z.object({ intent: z.literal('enable'), id: z.string().uuid(), enabled: z.enum(['true', 'false']) }),
]);

export const action = withPermission('monitoring.manage', async ({ request, user }) => {
  const parsed = ActionSchema.safeParse(Object.fromEntries(await request.formData().catch(() => new FormData())));
  if (!parsed.success) return Response.json({ ok: false }, { status: 400 });
  const actor = { id: user.id, name: user.login };
  const rule = (await listAlertRules()).find((r) => r.id === parsed.data.id);
  await requireRuleEditable(user, rule);
  if (parsed.data.intent === 'delete') return Response.json({ ok: await deleteAlertRule(actor, parsed.data.id) });
  if (!rule) return Response.json({ ok: false }, { status: 404 });
  await saveAlertRule(actor, { ...rule, enabled: parsed.data.enabled === 'true' }, rule.id);
  return Response.json({ ok: true });
});

const SEVERITY_COLORS: Record<string, string> = { info: 'blue', warning: 'orange', critical: 'red' };

export default function AlertRulesPage() {
  const { rules, canManage } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('monitoring.rules')}
        </Typography.Title>
        {canManage ? (
          <Link to="/monitoring/rules/new">
            <Button type="primary" data-testid="new-rule">
              {t('monitoring.newRule')}
            </Button>
          </Link>
        ) : null}
      </Space>
      <Card size="small">
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={rules}
          onRow={(row) => ({ 'data-testid': `rule-${row.name}` }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: t('monitoring.enabled'),
              dataIndex: 'enabled',
              render: (on: boolean, r) => (
                <Switch
                  size="small"
                  checked={on}
                  disabled={!canManage}
                  onChange={(v) => fetcher.submit({ intent: 'enable', id: r.id, enabled: String(v) }, { method: 'post' })}
                />
              ),
            },
            {
              title: t('monitoring.ruleName'),
              dataIndex: 'name',
              render: (name: string, r) => <Link to={`/monitoring/rules/${r.id}`}>{name}</Link>,
            },
            {
              title: t('monitoring.metric'),
              key: 'm',
              render: (_, r) => `${t(`monitoring.metrics.${r.metric}`)} · ${t(`monitoring.windows.${r.window}`)}`,
            },
            {
              title: t('monitoring.scope'),
              key: 's',
              render: (_, r) => `${t(`monitoring.scopes.${r.scope}`)}${r.scopeRef ? '' : ` · ${t('monitoring.each')}`}`,
            },
            { title: t('monitoring.threshold'), dataIndex: 'threshold', render: (v: string) => <code>{v}</code> },
            {
              title: t('monitoring.severity'),
              dataIndex: 'severity',
              render: (s: string) => <Tag color={SEVERITY_COLORS[s]}>{t(`monitoring.severities.${s}`)}</Tag>,
            },
            {
              title: t('monitoring.breaker'),
              key: 'b',
              render: (_, r) => t(`monitoring.breakers.${(r.actions as { breaker?: string }).breaker ?? 'none'}`),
            },
            {
              title: '',
              key: 'del',
              render: (_, r) =>
                canManage ? (
                  <Popconfirm
                    title={t('monitoring.deleteConfirm')}
                    onConfirm={() => fetcher.submit({ intent: 'delete', id: r.id }, { method: 'post' })}
                  >
                    <Button size="small" danger data-testid="delete-rule">
                      {t('monitoring.delete')}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
