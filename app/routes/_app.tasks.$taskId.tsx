import { Link, useFetcher, useLoaderData, useRevalidator, useSearchParams } from '@remix-run/react';
import { Alert, Button, Card, Col, Descriptions, Input, Modal, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { DialingWhy } from '../components/dialing/DialingWhy';
import { AssignmentPanel } from '../components/tasks/AssignmentPanel';
import { STATUS_COLOR } from '../components/tasks/status';
import { TaskForm } from '../components/tasks/TaskForm';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { taskDialingStatus } from '../modules/dialing/monitor.server';
import { parseWhere } from '../modules/lists/contact-filter';
import { contactScope } from '../modules/lists/contact-scope';
import { projectTags } from '../modules/lists/contacts.server';
import type { FieldDef } from '../modules/lists/field-template';
import { taskBreakers } from '../modules/monitoring/breakers.server';
import { listAgents } from '../modules/projects/skill-groups.server';
import { runAssignment } from '../modules/tasks/assignment.server';
import { allowedActions, editable, needsReason, TASK_ACTIONS, type TaskAction } from '../modules/tasks/lifecycle';
import {
  assignManually,
  assignmentSummary,
  filteredContactIds,
  listRuns,
  takeBack,
  taskContacts,
} from '../modules/tasks/manual-assignment.server';
import { taskFormOptions } from '../modules/tasks/task-options.server';
import { CountIntent, countIntent, refusal, SaveIntent, saveIntent, taskOrNotFound } from '../modules/tasks/task-route.server';
import { TransitionRefused, taskProgress, transitionTask } from '../modules/tasks/tasks.server';
import { formatDateTime } from '../utils/format';

const PAGE_SIZE = 50;

export const loader = withPermission('tasks.view', async ({ request, params, user }) => {
  const task = await taskOrNotFound(params.taskId, user);
  const url = new URL(request.url);
  const page = z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .catch(1)
    .parse(url.searchParams.get('page') ?? 1);
  const agent = url.searchParams.get('agent') ?? undefined;
  // The form's options ask the carrier plugins for trunks: only when the settings tab is open.
  const settings = url.searchParams.get('tab') === 'settings';
  const condition = parseWhere(url.searchParams.get('where'));
  const [project, progress, summary, runs, contacts, agents, options, history, tags] = await Promise.all([
    prisma.project.findUniqueOrThrow({
      where: { id: task.projectId },
      select: { name: true, type: true, rulesVersion: true, fields: true },
    }),
    taskProgress(task),
    assignmentSummary(task.id),
    listRuns(task.id),
    taskContacts(task, { page, pageSize: PAGE_SIZE, agent, condition }),
    listAgents(),
    settings ? taskFormOptions(task.projectId) : null,
    prisma.auditLog.findMany({ where: { target: task.id, action: { startsWith: 'task.' } }, orderBy: { at: 'desc' }, take: 30 }),
    projectTags(task.projectId),
  ]);
  const dialing = task.status === 'running' && task.channel !== 'online' ? await taskDialingStatus(task.id) : null;
  return {
    task,
    breakers: await taskBreakers(task.id),
    project: { name: project.name, type: project.type, rulesVersion: project.rulesVersion },
    scope: contactScope(project.fields as unknown as FieldDef[], tags).scope,
    condition,
    progress,
    dialing,
    summary,
    runs,
    contacts,
    agents,
    options,
    page,
    history: history.map((h) => ({
      id: h.id.toString(),
      action: h.action,
      actor: h.actor,
      at: h.at.toISOString(),
      details: h.details as Record<string, unknown> | null,
    })),
    canManage: can(user.role, 'tasks.manage'),
    timeZone: user.timeZone,
  };
});

const Intent = z.discriminatedUnion('intent', [
  CountIntent,
  SaveIntent,
  z.object({ intent: z.literal('transition'), action: z.enum(TASK_ACTIONS), reason: z.string().max(500).default('') }),
  z.object({
    intent: z.literal('run'),
    dryRun: z.boolean(),
    rebalance: z.boolean().default(false),
    clearManual: z.boolean().default(false),
  }),
  z.object({
    intent: z.literal('assign'),
    agentId: z.string().uuid(),
    contactIds: z
      .array(z.string().regex(/^\d{1,19}$/))
      .min(1)
      .max(5000),
  }),
  z.object({
    intent: z.literal('takeBack'),
    contactIds: z
      .array(z.string().regex(/^\d{1,19}$/))
      .min(1)
      .max(5000),
  }), // "All matching": the contacts the current filter shows (holder and condition), the first `limit` of them.
  z.object({
    intent: z.enum(['assignFiltered', 'takeBackFiltered']),
    agentId: z.string().uuid().optional(),
    holder: z.string().max(40).optional(),
    condition: z.unknown(),
    limit: z.number().int().min(1).max(100_000),
  }),
]);

export const action = withPermission('tasks.manage', async ({ request, params, user }) => {
  const task = await taskOrNotFound(params.taskId, user);
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ ok: false, error: 'tasks.errors.invalid' }, { status: 400 });
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  const scoped = { ...actor, role: user.role, projects: user.projects };
  const body = parsed.data;
  switch (body.intent) {
    case 'count':
      return countIntent(user, { ...body, projectId: task.projectId });
    case 'save':
      return saveIntent(scoped, body, task.id);
    case 'transition':
      try {
        await transitionTask(actor, task.id, body.action, body.reason);
        return { ok: true };
      } catch (error) {
        if (error instanceof TransitionRefused) return { ok: false, error: error.code };
        throw error;
      }
    case 'run':
      try {
        return { ok: true, result: await runAssignment(actor, task.id, body) };
      } catch (error) {
        return { ok: false, error: refusal(error) };
      }
    case 'assign':
      try {
        return { ok: true, count: await assignManually(actor, task.id, body.contactIds.map(BigInt), body.agentId) };
      } catch (error) {
        return { ok: false, error: refusal(error) };
      }
    case 'takeBack':
      return { ok: true, count: await takeBack(actor, task.id, body.contactIds.map(BigInt)) };
    case 'assignFiltered':
    case 'takeBackFiltered': {
      const condition = parseWhere(JSON.stringify(body.condition ?? null));
      const ids = await filteredContactIds(task, { agent: body.holder, condition }, body.limit);
      if (!ids.length) return { ok: true, count: 0 };
      if (body.intent === 'takeBackFiltered') return { ok: true, count: await takeBack(actor, task.id, ids) };
      if (!body.agentId) return { ok: false, error: 'tasks.assign.noAgent' };
      try {
        return { ok: true, count: await assignManually(actor, task.id, ids, body.agentId) };
      } catch (error) {
        return { ok: false, error: refusal(error) };
      }
    }
  }
});

export default function TaskPage() {
  const data = useLoaderData<typeof loader>();
  const { task, project, progress, canManage, timeZone } = data;
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const lifecycle = useFetcher<{ ok: boolean; error?: string }>();
  const form = useFetcher<Record<string, unknown>>();
  const [asking, setAsking] = useState<TaskAction | null>(null);
  const [reason, setReason] = useState('');
  const revalidator = useRevalidator();
  const tab = params.get('tab') ?? 'overview';
  // Live progress: refresh every 10 s while the task runs and its progress is on screen.
  useEffect(() => {
    if (task.status !== 'running' || tab !== 'overview') return;
    const timer = setInterval(() => revalidator.state === 'idle' && revalidator.revalidate(), 10_000);
    return () => clearInterval(timer);
  }, [task.status, tab, revalidator]);
  useEffect(() => {
    if (lifecycle.state === 'idle' && lifecycle.data?.ok) setAsking(null);
  }, [lifecycle.state, lifecycle.data]);
  const transition = (action: TaskAction, why = '') =>
    lifecycle.submit({ intent: 'transition', action, reason: why } as never, { method: 'post', encType: 'application/json' });
  const counted =
    form.data && 'matching' in form.data
      ? { matching: form.data.matching as number, eligible: form.data.eligible as number }
      : null;
  const finished = task.status === 'completed' || task.status === 'stopped';

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>
        {task.name}{' '}
        <Tag color={STATUS_COLOR[task.status]} data-testid="task-status">
          {t(`tasks.statuses.${task.status}`)}
        </Tag>
      </Typography.Title>
      {data.breakers.map((b) => (
        <Alert
          key={b.id}
          type="error"
          showIcon
          data-testid="task-breaker"
          title={t(`monitoring.breakers.${b.kind}`)}
          description={b.reason}
          action={<Link to="/monitoring/alerts">{t('monitoring.alerts')}</Link>}
        />
      ))}
      <Descriptions size="small" column={3} bordered>
        <Descriptions.Item label={t('tasks.project')}>
          <Link to={`/projects/${task.projectId}`}>{project.name}</Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('tasks.form.channel')}>
          {t(`tasks.channels.${task.channel}`)}
          {task.dialMode ? ` · ${t(`tasks.dialModes.${task.dialMode}`)}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('tasks.rulesVersion')}>
          <span data-testid="rules-version">
            {task.rulesVersion ? `v${task.rulesVersion}` : t('tasks.notPinned')}
            {task.rulesVersion && task.rulesVersion !== project.rulesVersion
              ? ` ${t('tasks.newerRules', { version: project.rulesVersion })}`
              : ''}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('tasks.form.assignmentMode')}>{t(`tasks.modes.${task.assignment.mode}`)}</Descriptions.Item>
        <Descriptions.Item label={t('tasks.form.priority')}>{task.priority}</Descriptions.Item>
        <Descriptions.Item label={t('tasks.statusReason')}>
          <span data-testid="status-reason">{task.statusReason ?? '—'}</span>
        </Descriptions.Item>
      </Descriptions>
      {canManage ? (
        <Space>
          {allowedActions(task.status).map((a) => (
            <Button
              key={a}
              type={a === 'start' || a === 'resume' ? 'primary' : 'default'}
              danger={a === 'stop'}
              loading={lifecycle.state !== 'idle'}
              data-testid={`task-${a}`}
              onClick={() => {
                if (needsReason(a)) {
                  setReason('');
                  setAsking(a);
                } else transition(a);
              }}
            >
              {t(`tasks.actions.${a}`)}
            </Button>
          ))}
        </Space>
      ) : null}
      {lifecycle.data?.error ? <Alert type="error" title={t(lifecycle.data.error)} /> : null}
      <Modal
        open={asking !== null}
        title={asking ? t(`tasks.actions.${asking}`) : ''}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        okButtonProps={{ disabled: !reason.trim(), 'data-testid': 'confirm-transition' } as never}
        onOk={() => asking && transition(asking, reason)}
        onCancel={() => setAsking(null)}
        destroyOnHidden
      >
        <Input.TextArea
          rows={3}
          placeholder={t('tasks.reasonPlaceholder')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="transition-reason"
        />
      </Modal>
      <Tabs
        activeKey={tab}
        onChange={(key) => {
          const next = new URLSearchParams();
          next.set('tab', key);
          setParams(next, { preventScrollReset: true });
        }}
        items={[
          {
            key: 'overview',
            label: t('tasks.tabs.overview'),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Row gutter={16} data-testid="progress">
                  {(
                    [
                      'total',
                      'notAttempted',
                      'inProgress',
                      'closed',
                      'attemptsUsed',
                      'assigned',
                      'remainingMinutesToday',
                    ] as const
                  ).map((k) => (
                    <Col key={k} span={3}>
                      <Statistic title={t(`tasks.progress.${k}`)} value={progress[k]} />
                    </Col>
                  ))}
                </Row>
                {data.dialing ? (
                  <Card size="small" title={t('dialing.why')}>
                    <DialingWhy dialing={data.dialing} timeZone={timeZone} testId="task-dialing-why" />
                  </Card>
                ) : null}
                {Object.keys(progress.closedByOutcome).length ? (
                  <Space wrap>
                    {Object.entries(progress.closedByOutcome).map(([k, v]) => (
                      <Tag key={k}>{`${t(`tasks.outcomes.${k}`, { defaultValue: k })}: ${v}`}</Tag>
                    ))}
                  </Space>
                ) : null}
                <Card size="small" title={t('tasks.history')}>
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    dataSource={data.history}
                    data-testid="task-history"
                    columns={[
                      {
                        title: t('tasks.assign.when'),
                        dataIndex: 'at',
                        render: (at: string) => formatDateTime(at, timeZone, i18n.language),
                      },
                      { title: t('tasks.assign.who'), dataIndex: 'actor' },
                      {
                        title: t('tasks.assign.kind'),
                        dataIndex: 'action',
                        render: (a: string) => t(`tasks.audit.${a.replace(/\./g, '_')}`, { defaultValue: a }),
                      },
                      {
                        title: t('tasks.statusReason'),
                        dataIndex: 'details',
                        render: (d: Record<string, unknown> | null) =>
                          [d?.reason, d?.rulesVersion ? `v${d.rulesVersion}` : null].filter(Boolean).join(' · '),
                      },
                    ]}
                  />
                </Card>
              </Space>
            ),
          },
          {
            key: 'settings',
            label: t('tasks.tabs.settings'),
            children: data.options && (
              <>
                {editable(task.status) ? null : (
                  <Alert type="info" showIcon title={t('tasks.pauseToEdit')} style={{ marginBottom: 16 }} />
                )}
                <TaskForm
                  options={data.options}
                  initial={{ ...task, condition: task.condition }}
                  count={counted}
                  onCount={(condition) =>
                    form.submit({ intent: 'count', projectId: task.projectId, condition } as never, {
                      method: 'post',
                      encType: 'application/json',
                    })
                  }
                  onSubmit={(input) =>
                    form.submit({ intent: 'save', task: input } as never, { method: 'post', encType: 'application/json' })
                  }
                  submitting={form.state !== 'idle'}
                  errors={(form.data?.errors as Record<string, string>) ?? {}}
                  ruleErrors={(form.data?.ruleErrors as never[]) ?? []}
                  disabled={!canManage || !editable(task.status)}
                />
                {form.data?.intent === 'save' && form.data.ok ? (
                  <Alert type="success" title={t('tasks.saved')} style={{ marginTop: 12 }} />
                ) : null}
              </>
            ),
          },
          {
            key: 'assignment',
            label: t('tasks.tabs.assignment'),
            children: (
              <AssignmentPanel
                mode={task.assignment.mode}
                canManage={canManage}
                finished={finished}
                agents={data.agents}
                summary={data.summary}
                runs={data.runs}
                contacts={data.contacts}
                page={data.page}
                pageSize={PAGE_SIZE}
                scope={data.scope}
                condition={data.condition}
                timeZone={timeZone}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}
