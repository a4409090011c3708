import { redirect } from '@remix-run/node';
import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConditionBuilder } from '../components/rules/ConditionBuilder';
import { RuleErrors } from '../components/rules/RuleErrors';
import { withPermission } from '../modules/auth/guard.server';
import { notFound, visibleProjectIds } from '../modules/auth/project-access';
import { ALERT_SCOPE, type AlertRuleInput, BREAKER_SCOPE, BREAKERS, SEVERITIES } from '../modules/monitoring/alert-schema';
import { AlertRuleInvalid, listAlertRules, saveAlertRule } from '../modules/monitoring/alerts.server';
import { ALERT_METRICS, ALERT_SCOPES, WINDOWS } from '../modules/monitoring/definitions';
import { requireRuleEditable, ruleVisible } from '../modules/monitoring/rule-access.server';
import { ruleEditorOptions } from '../modules/monitoring/rule-options.server';
import type { Condition } from '../rules/condition';
import type { RuleError } from '../rules/types';

const NEW_RULE: AlertRuleInput = {
  name: '',
  enabled: true,
  metric: 'abandonRate',
  scope: 'task',
  scopeRef: null,
  window: '1h',
  severity: 'warning',
  condition: { combinator: 'and', rules: [{ field: 'value', operator: '>', value: 3 }] },
  actions: { notify: true, plugin: null, breaker: 'none', capLevel: null, cooldownMinutes: 0 },
};

export const loader = withPermission('monitoring.view', async ({ params, user }) => {
  const existing = params.ruleId === 'new' ? null : (await listAlertRules()).find((r) => r.id === params.ruleId);
  if (existing && !(await ruleVisible(user, existing))) notFound();
  if (params.ruleId !== 'new' && !existing) throw Response.json({ error: 'not_found' }, { status: 404 });
  const rule: AlertRuleInput = existing
    ? {
        name: existing.name,
        enabled: existing.enabled,
        metric: existing.metric as AlertRuleInput['metric'],
        scope: existing.scope as AlertRuleInput['scope'],
        scopeRef: existing.scopeRef,
        window: existing.window as AlertRuleInput['window'],
        severity: existing.severity as AlertRuleInput['severity'],
        condition: existing.condition,
        actions: existing.actions as AlertRuleInput['actions'],
      }
    : NEW_RULE;
  return { id: existing?.id ?? null, rule, options: await ruleEditorOptions(visibleProjectIds(user)) };
});

export const action = withPermission('monitoring.manage', async ({ request, params, user }) => {
  const body = await request.json().catch(() => null);
  const existing = params.ruleId === 'new' ? null : (await listAlertRules()).find((r) => r.id === params.ruleId);
  const target = body && typeof body === 'object' ? (body as { scope?: unknown; scopeRef?: unknown }) : {};
  await requireRuleEditable(user, existing, {
    scope: String(target.scope ?? ''),
    scopeRef: typeof target.scopeRef === 'string' ? target.scopeRef : null,
  });
  try {
    await saveAlertRule({ id: user.id, name: user.login }, body, params.ruleId === 'new' ? undefined : params.ruleId);
  } catch (error) {
    if (error instanceof AlertRuleInvalid)
      return Response.json({ errors: error.errors, conditionErrors: error.conditionErrors }, { status: 400 });
    throw error;
  }
  return redirect('/monitoring/rules');
});

type Errors = { errors?: Record<string, string>; conditionErrors?: RuleError[] };

export default function AlertRuleEditor() {
  const { id, rule, options } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher<Errors>();
  const [value, setValue] = useState<AlertRuleInput>(rule);
  const actions = value.actions;
  const errors = fetcher.data?.errors ?? {};
  const set = (patch: Partial<AlertRuleInput>) => setValue((v) => ({ ...v, ...patch }));
  const setActions = (patch: Partial<AlertRuleInput['actions']>) =>
    setValue((v) => ({ ...v, actions: { ...v.actions, ...patch } }));
  const field = (name: string) =>
    errors[name]
      ? { validateStatus: 'error' as const, help: t(`monitoring.${errors[name]}`), 'data-testid': `error-${name}` }
      : {};
  const metricScopes = ALERT_METRICS[value.metric as keyof typeof ALERT_METRICS].scopes as readonly string[];
  const refOptions =
    value.scope === 'task'
      ? options.tasks.map((o) => ({ value: o.id, label: o.name }))
      : value.scope === 'project'
        ? options.projects.map((o) => ({ value: o.id, label: o.name }))
        : value.scope === 'trunk'
          ? options.trunks.map((o) => ({ value: o, label: o }))
          : value.scope === 'callerId'
            ? options.callerIds.map((o) => ({ value: o, label: o }))
            : [];

  return (
    <Space orientation="vertical" style={{ width: '100%', maxWidth: 980 }}>
      <Typography.Title level={3}>{id ? t('monitoring.editRule') : t('monitoring.newRule')}</Typography.Title>
      <Card size="small">
        <Form layout="vertical" onFinish={() => fetcher.submit(value as never, { method: 'post', encType: 'application/json' })}>
          <Form.Item label={t('monitoring.ruleName')} required {...field('name')}>
            <Input value={value.name} onChange={(e) => set({ name: e.target.value })} data-testid="rule-name" maxLength={120} />
          </Form.Item>
          <Space wrap size="large" align="start">
            <Form.Item label={t('monitoring.metric')} {...field('metric')}>
              <Select
                style={{ width: 220 }}
                value={value.metric}
                data-testid="rule-metric"
                onChange={(metric) => set({ metric })}
                options={Object.keys(ALERT_METRICS).map((m) => ({ value: m, label: t(`monitoring.metrics.${m}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('monitoring.scope')} {...field('scope')}>
              <Select
                style={{ width: 160 }}
                value={value.scope}
                data-testid="rule-scope"
                onChange={(scope) => set({ scope, scopeRef: null })}
                options={ALERT_SCOPES.map((s) => ({
                  value: s,
                  label: t(`monitoring.scopes.${s}`),
                  disabled: !metricScopes.includes(s),
                }))}
              />
            </Form.Item>
            {value.scope !== 'system' ? (
              <Form.Item label={t('monitoring.scopeRef')} {...field('scopeRef')} extra={t('monitoring.scopeRefHelp')}>
                <Select
                  style={{ width: 260 }}
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  value={value.scopeRef ?? undefined}
                  data-testid="rule-scope-ref"
                  placeholder={t('monitoring.each')}
                  onChange={(scopeRef) => set({ scopeRef: scopeRef ?? null })}
                  options={refOptions}
                />
              </Form.Item>
            ) : null}
            <Form.Item label={t('monitoring.window')} {...field('window')}>
              <Select
                style={{ width: 160 }}
                value={value.window}
                data-testid="rule-window"
                onChange={(window) => set({ window })}
                options={WINDOWS.map((w) => ({ value: w, label: t(`monitoring.windows.${w}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('monitoring.severity')} {...field('severity')}>
              <Select
                style={{ width: 140 }}
                value={value.severity}
                onChange={(severity) => set({ severity })}
                options={SEVERITIES.map((s) => ({ value: s, label: t(`monitoring.severities.${s}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('monitoring.enabled')}>
              <Switch checked={value.enabled ?? true} onChange={(enabled) => set({ enabled })} />
            </Form.Item>
          </Space>
          <Form.Item label={t('monitoring.threshold')} extra={t('monitoring.thresholdHelp')} {...field('condition')}>
            <div data-testid="rule-condition">
              <ConditionBuilder
                scope={ALERT_SCOPE}
                value={value.condition as Condition}
                onChange={(condition) => set({ condition })}
              />
            </div>
            {fetcher.data?.conditionErrors?.length ? <RuleErrors errors={fetcher.data.conditionErrors} /> : null}
          </Form.Item>
          <Card size="small" title={t('monitoring.actions')}>
            <Space wrap size="large" align="start">
              <Form.Item label={t('monitoring.notifyInApp')}>
                <Switch checked={actions.notify ?? true} onChange={(notify) => setActions({ notify })} />
              </Form.Item>
              <Form.Item label={t('monitoring.notifyPlugin')} {...field('actions.plugin.installationId')}>
                <Select
                  style={{ width: 220 }}
                  allowClear
                  value={actions.plugin?.installationId}
                  placeholder={options.notifiers.length ? t('monitoring.none') : t('monitoring.noNotifier')}
                  onChange={(installationId) =>
                    setActions({ plugin: installationId ? { installationId, to: actions.plugin?.to ?? '' } : null })
                  }
                  options={options.notifiers.map((n) => ({ value: n.id, label: n.name }))}
                />
              </Form.Item>
              {actions.plugin ? (
                <Form.Item label={t('monitoring.notifyTo')} {...field('actions.plugin.to')}>
                  <Input
                    style={{ width: 220 }}
                    value={actions.plugin.to}
                    onChange={(e) =>
                      setActions({ plugin: { installationId: actions.plugin?.installationId ?? '', to: e.target.value } })
                    }
                  />
                </Form.Item>
              ) : null}
              <Form.Item label={t('monitoring.breaker')} {...field('actions.breaker')}>
                <Select
                  style={{ width: 220 }}
                  value={actions.breaker ?? 'none'}
                  data-testid="rule-breaker"
                  onChange={(breaker) => setActions({ breaker })}
                  options={BREAKERS.map((b) => ({
                    value: b,
                    label: t(`monitoring.breakers.${b}`),
                    disabled: b !== 'none' && BREAKER_SCOPE[b] !== value.scope,
                  }))}
                />
              </Form.Item>
              {actions.breaker === 'capPacing' ? (
                <Form.Item label={t('monitoring.capLevel')} {...field('actions.capLevel')}>
                  <InputNumber
                    min={0.5}
                    max={10}
                    step={0.1}
                    value={actions.capLevel ?? undefined}
                    onChange={(v) => setActions({ capLevel: v ?? null })}
                  />
                </Form.Item>
              ) : null}
              {actions.breaker && actions.breaker !== 'none' ? (
                <Form.Item
                  label={t('monitoring.cooldown')}
                  extra={t('monitoring.cooldownHelp')}
                  {...field('actions.cooldownMinutes')}
                >
                  <InputNumber
                    min={0}
                    max={1440}
                    value={actions.cooldownMinutes ?? 0}
                    onChange={(v) => setActions({ cooldownMinutes: v ?? 0 })}
                    data-testid="rule-cooldown"
                  />
                </Form.Item>
              ) : null}
            </Space>
          </Card>
          {Object.keys(errors).length ? (
            <Alert type="error" showIcon style={{ marginTop: 12 }} title={t('monitoring.fixErrors')} data-testid="rule-errors" />
          ) : null}
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" htmlType="submit" loading={fetcher.state !== 'idle'} data-testid="save-rule">
              {t('monitoring.save')}
            </Button>
            <Link to="/monitoring/rules">{t('monitoring.cancel')}</Link>
          </Space>
        </Form>
      </Card>
    </Space>
  );
}
