import { useFetcher, useSearchParams } from '@remix-run/react';
import { Alert, Button, Card, Checkbox, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RunResult } from '../../modules/tasks/assignment.server';
import type { assignmentSummary, listRuns, taskContacts } from '../../modules/tasks/manual-assignment.server';
import type { Condition } from '../../rules/condition';
import type { RuleScope } from '../../rules/types';
import { formatDateTime } from '../../utils/format';
import { ConditionBuilder, EMPTY_CONDITION } from '../rules';

interface Props {
  mode: string;
  canManage: boolean;
  finished: boolean;
  agents: { id: string; displayName: string }[];
  summary: Awaited<ReturnType<typeof assignmentSummary>>;
  runs: Awaited<ReturnType<typeof listRuns>>;
  contacts: Awaited<ReturnType<typeof taskContacts>>;
  page: number;
  pageSize: number;
  timeZone: string;
  /** The project's contact scope for the advanced filter, and the filter in the URL. */
  scope: RuleScope;
  condition: Condition | null;
}

interface RunData {
  ok: boolean;
  error?: string;
  result?: RunResult;
  count?: number;
}

/** Assignment: per-agent summary, runs with a dry-run preview, rebalancing, manual assign/move/take back. */
export function AssignmentPanel({
  mode,
  canManage,
  finished,
  agents,
  summary,
  runs,
  contacts,
  page,
  pageSize,
  timeZone,
  scope,
  condition,
}: Props) {
  const { t, i18n } = useTranslation();
  const fetcher = useFetcher<RunData>();
  const [params, setParams] = useSearchParams();
  const [selected, setSelected] = useState<string[]>([]);
  const [target, setTarget] = useState<string | undefined>();
  const [clearManual, setClearManual] = useState(false);
  const [advanced, setAdvanced] = useState(Boolean(condition));
  const [draft, setDraft] = useState<Condition>(condition ?? EMPTY_CONDITION);
  const [bulkTarget, setBulkTarget] = useState<string | undefined>();
  const [bulkCount, setBulkCount] = useState<number | null>(null);
  const bulk = (intent: 'assignFiltered' | 'takeBackFiltered') =>
    send({
      intent,
      agentId: bulkTarget,
      holder: params.get('agent') ?? undefined,
      condition: condition ?? null,
      limit: bulkCount ?? contacts.total,
    });
  const agentName = (id: string) => agents.find((a) => a.id === id)?.displayName ?? id;
  const send = (body: Record<string, unknown>) => fetcher.submit(body as never, { method: 'post', encType: 'application/json' });
  const busy = fetcher.state !== 'idle';
  const automatic = mode === 'even' || mode === 'segments' || mode === 'formula';
  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setParams(next, { preventScrollReset: true });
  };
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok && fetcher.data.count !== undefined) setSelected([]);
  }, [fetcher.state, fetcher.data]);
  const result = fetcher.data?.result;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t(`tasks.modeHelp.${mode}`)} />
      <Card size="small" title={t('tasks.assign.byAgent')}>
        <Table
          rowKey="agentId"
          size="small"
          pagination={false}
          dataSource={summary}
          data-testid="assignment-summary"
          locale={{ emptyText: t('tasks.assign.none') }}
          columns={[
            { title: t('tasks.assign.agent'), dataIndex: 'displayName' },
            { title: t('tasks.assign.held'), dataIndex: 'total' },
            { title: t('tasks.assign.manual'), dataIndex: 'manual' },
            { title: t('tasks.assign.open'), dataIndex: 'open' },
          ]}
        />
        {canManage && automatic && !finished ? (
          <Space style={{ marginTop: 12 }} wrap>
            <Button onClick={() => send({ intent: 'run', dryRun: true })} loading={busy} data-testid="preview-run">
              {t('tasks.assign.preview')}
            </Button>
            <Button type="primary" onClick={() => send({ intent: 'run', dryRun: false })} loading={busy} data-testid="apply-run">
              {t('tasks.assign.run')}
            </Button>
            <Button
              onClick={() => send({ intent: 'run', dryRun: true, rebalance: true, clearManual })}
              loading={busy}
              data-testid="preview-rebalance"
            >
              {t('tasks.assign.previewRebalance')}
            </Button>
            <Button
              onClick={() => send({ intent: 'run', dryRun: false, rebalance: true, clearManual })}
              loading={busy}
              data-testid="rebalance"
            >
              {t('tasks.assign.rebalance')}
            </Button>
            <Checkbox checked={clearManual} onChange={(e) => setClearManual(e.target.checked)}>
              {t('tasks.assign.clearManual')}
            </Checkbox>
          </Space>
        ) : null}
        {fetcher.data?.error ? <Alert type="error" title={t(fetcher.data.error)} style={{ marginTop: 12 }} /> : null}
        {result ? (
          <Card
            size="small"
            style={{ marginTop: 12 }}
            data-testid="run-result"
            title={t(result.dryRun ? 'tasks.assign.previewTitle' : 'tasks.assign.doneTitle')}
          >
            <Typography.Paragraph>
              {t('tasks.assign.resultLine', {
                assigned: result.assigned,
                released: result.released,
                kept: result.keptManual,
                left: result.unassigned,
              })}
            </Typography.Paragraph>
            <Space wrap>
              {result.perAgent.map((a) => (
                <Tag key={a.agentId}>{`${a.displayName}: ${a.count}`}</Tag>
              ))}
              {result.perSegment.map((s) => (
                <Tag
                  color="blue"
                  key={s.label}
                >{`${s.label === 'fallback' ? t('tasks.assign.fallback') : s.label}: ${s.count}`}</Tag>
              ))}
            </Space>
          </Card>
        ) : null}
      </Card>

      <Card size="small" title={t('tasks.assign.contacts')}>
        <Space style={{ marginBottom: 12 }} wrap>
          <span data-testid="holder-filter">
            <Select
              optionFilterProp="label"
              style={{ width: 220 }}
              value={params.get('agent') ?? ''}
              onChange={(v) => setParam('agent', v || undefined)}
              options={[
                { value: '', label: t('tasks.assign.everyone') },
                { value: 'none', label: t('tasks.assign.unassigned') },
                ...agents.map((a) => ({ value: a.id, label: a.displayName })),
              ]}
            />
          </span>
          <Typography.Text type="secondary">{t('tasks.assign.total', { count: contacts.total })}</Typography.Text>
          <Button type="link" onClick={() => setAdvanced(!advanced)} data-testid="task-contacts-filter">
            {t('tasks.assign.advanced')}
          </Button>
        </Space>
        {advanced ? (
          <Card size="small" style={{ marginBottom: 12 }}>
            <ConditionBuilder scope={scope} value={draft} onChange={setDraft} />
            <Space style={{ marginTop: 8 }}>
              <Button type="primary" onClick={() => setParam('where', draft.rules.length ? JSON.stringify(draft) : undefined)}>
                {t('tasks.assign.applyFilter')}
              </Button>
              <Button
                onClick={() => {
                  setDraft(EMPTY_CONDITION);
                  setParam('where', undefined);
                }}
              >
                {t('tasks.assign.clearFilter')}
              </Button>
            </Space>
          </Card>
        ) : null}
        {canManage && !finished && contacts.total ? (
          <Space style={{ marginBottom: 12 }} wrap data-testid="bulk-bar">
            <Typography.Text>{t('tasks.assign.allMatching')}</Typography.Text>
            <InputNumber
              min={1}
              max={contacts.total}
              value={bulkCount ?? contacts.total}
              onChange={(v) => setBulkCount(v)}
              data-testid="bulk-count"
            />
            <Select
              optionFilterProp="label"
              showSearch
              style={{ width: 200 }}
              placeholder={t('tasks.assign.toAgent')}
              value={bulkTarget}
              onChange={setBulkTarget}
              options={agents.map((a) => ({ value: a.id, label: a.displayName }))}
            />
            <Button disabled={!bulkTarget} loading={busy} onClick={() => bulk('assignFiltered')} data-testid="bulk-assign">
              {t('tasks.assign.assign')}
            </Button>
            <Button loading={busy} onClick={() => bulk('takeBackFiltered')} data-testid="bulk-take-back">
              {t('tasks.assign.takeBack')}
            </Button>
            {fetcher.data?.ok && fetcher.data.count !== undefined ? (
              <Typography.Text type="success">{t('tasks.assign.bulkDone', { count: fetcher.data.count })}</Typography.Text>
            ) : null}
          </Space>
        ) : null}
        {canManage && !finished && selected.length ? (
          <Space style={{ marginBottom: 12 }} wrap data-testid="assign-bar">
            <Typography.Text>{t('tasks.assign.selected', { count: selected.length })}</Typography.Text>
            <Select
              optionFilterProp="label"
              style={{ width: 200 }}
              placeholder={t('tasks.assign.toAgent')}
              value={target}
              onChange={setTarget}
              data-testid="assign-agent"
              options={agents.map((a) => ({ value: a.id, label: a.displayName }))}
            />
            <Button
              type="primary"
              disabled={!target}
              loading={busy}
              onClick={() => send({ intent: 'assign', agentId: target, contactIds: selected })}
              data-testid="assign-selected"
            >
              {t('tasks.assign.assign')}
            </Button>
            <Button onClick={() => send({ intent: 'takeBack', contactIds: selected })} loading={busy} data-testid="take-back">
              {t('tasks.assign.takeBack')}
            </Button>
          </Space>
        ) : null}
        <Table
          rowKey="id"
          size="small"
          dataSource={contacts.rows}
          data-testid="task-contacts"
          rowSelection={canManage ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
          pagination={{
            current: page,
            pageSize,
            total: contacts.total,
            showSizeChanger: false,
            onChange: (p) => setParam('page', String(p)),
          }}
          columns={[
            { title: t('tasks.assign.name'), dataIndex: 'name' },
            {
              title: t('tasks.assign.phone'),
              dataIndex: 'phoneMasked',
              render: (p: string) => <Typography.Text code>{p}</Typography.Text>,
            },
            {
              title: t('tasks.assign.tags'),
              dataIndex: 'tags',
              render: (tags: string[]) => tags.map((tag) => <Tag key={tag}>{tag}</Tag>),
            },
            { title: t('tasks.assign.attempts'), dataIndex: 'attempts' },
            {
              title: t('tasks.assign.agent'),
              dataIndex: 'agentName',
              render: (name: string | null, row) =>
                name ? (
                  <Space>
                    {name}
                    {row.source === 'manual' ? <Tag color="purple">{t('tasks.assign.manualTag')}</Tag> : null}
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t('tasks.assign.unassigned')}</Typography.Text>
                ),
            },
          ]}
        />
      </Card>

      <Card size="small" title={t('tasks.assign.runs')}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={runs}
          columns={[
            {
              title: t('tasks.assign.when'),
              dataIndex: 'createdAt',
              render: (at: string) => formatDateTime(at, timeZone, i18n.language),
            },
            { title: t('tasks.assign.who'), dataIndex: 'createdBy' },
            {
              title: t('tasks.assign.kind'),
              dataIndex: 'mode',
              render: (m: string, r) => (
                <Space>
                  {t(`tasks.runModes.${m}`, { defaultValue: m })}
                  {r.dryRun ? <Tag>{t('tasks.assign.dryRun')}</Tag> : null}
                </Space>
              ),
            },
            { title: t('tasks.assign.assignedCol'), dataIndex: 'assigned' },
            { title: t('tasks.assign.releasedCol'), dataIndex: 'released' },
            {
              title: t('tasks.assign.perAgent'),
              dataIndex: 'perAgent',
              render: (per: Record<string, number>) =>
                Object.entries(per)
                  .map(([id, n]) => `${agentName(id)} ${n}`)
                  .join(' · '),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
