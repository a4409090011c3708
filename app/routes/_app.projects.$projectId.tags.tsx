import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, App, Button, Card, Input, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ConditionBuilder, EMPTY_CONDITION, RuleErrors } from '../components/rules';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { sampleRuleRows } from '../modules/lists/contacts.server';
import { deleteTagRule, listTagRules, projectContactScope, saveTagRule, TagRuleInvalid } from '../modules/lists/tag-rules.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';
import type { Condition, RuleError } from '../rules';

export const loader = withPermission('projects.view', async ({ params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const { scope } = await projectContactScope(project.id);
  return {
    rules: await listTagRules(project.id),
    scope,
    samples: await sampleRuleRows(
      project.id,
      scope.fields.map((f) => f.name).filter((n) => !['tags', 'status', 'attempts', 'dnc'].includes(n)),
    ),
  };
});

const Intent = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('save'),
    id: z.string().uuid().optional(),
    tag: z.string().trim().min(1).max(30),
    condition: z.unknown(),
    enabled: z.boolean(),
  }),
  z.object({ intent: z.literal('delete'), id: z.string().uuid() }),
]);

export const action = withPermission('projects.manage', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, errors: [] as RuleError[], message: 'request.invalid' };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  try {
    if (parsed.data.intent === 'delete') {
      await deleteTagRule(actor, project.id, parsed.data.id);
      return { ok: true as const, matched: null };
    }
    const { matched } = await saveTagRule(actor, project.id, parsed.data);
    return { ok: true as const, matched };
  } catch (error) {
    if (error instanceof TagRuleInvalid) return { ok: false as const, errors: error.errors, message: null };
    throw error;
  }
});

export default function TagRulesPage() {
  const { rules, scope, samples } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fetcher = useFetcher<typeof action>();
  const [tag, setTag] = useState('');
  const [condition, setCondition] = useState<Condition>(EMPTY_CONDITION);
  const [rows, setRows] = useState(samples);

  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok && fetcher.data.matched !== null) {
      void message.success(t('lists.tagRules.applied', { count: fetcher.data.matched }));
      setTag('');
      setCondition(EMPTY_CONDITION);
    }
  }, [fetcher.state, fetcher.data, message, t]);

  const save = (body: Record<string, unknown>) =>
    fetcher.submit(JSON.parse(JSON.stringify({ intent: 'save', ...body })), { method: 'post', encType: 'application/json' });
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('lists.tagRules.help')}</Typography.Paragraph>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={rules}
        data-testid="tag-rules"
        columns={[
          { title: t('lists.tagRules.tag'), dataIndex: 'tag', render: (tagName: string) => <Tag color="blue">{tagName}</Tag> },
          { title: t('lists.tagRules.matched'), dataIndex: 'matched' },
          {
            title: t('lists.tagRules.enabled'),
            render: (_, r) => (
              <Switch
                checked={r.enabled}
                onChange={(enabled) => save({ id: r.id, tag: r.tag, condition: r.condition, enabled })}
              />
            ),
          },
          {
            render: (_, r) => (
              <Popconfirm
                title={t('lists.tagRules.deleteConfirm')}
                onConfirm={() => fetcher.submit({ intent: 'delete', id: r.id }, { method: 'post', encType: 'application/json' })}
              >
                <Button size="small" danger>
                  {t('lists.tagRules.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Card title={t('lists.tagRules.new')}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Input
            placeholder={t('lists.tagRules.tag')}
            value={tag}
            onChange={(e) => setTag(e.target.value)}
            maxLength={30}
            style={{ width: 240 }}
            data-testid="rule-tag"
          />
          <ConditionBuilder
            scope={scope}
            value={condition}
            onChange={setCondition}
            samples={rows}
            onSamplesChange={(r) => setRows(r as typeof rows)}
          />
          {fetcher.data && !fetcher.data.ok && fetcher.data.errors.length ? <RuleErrors errors={fetcher.data.errors} /> : null}
          {fetcher.data && !fetcher.data.ok && fetcher.data.message ? (
            <Alert type="error" showIcon message={fetcher.data.message} />
          ) : null}
          <Button
            type="primary"
            disabled={!tag.trim()}
            loading={fetcher.state !== 'idle'}
            onClick={() => save({ tag, condition, enabled: true })}
            data-testid="save-rule"
          >
            {t('lists.tagRules.save')}
          </Button>
        </Space>
      </Card>
    </Space>
  );
}
