import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, Button, Modal, Space, Table, Tag, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ScheduleEditor, shiftsText } from '../components/tasks/ScheduleEditor';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { WEEKDAYS } from '../modules/projects/calling-hours';
import { agentsOverview, importSchedules, saveSchedule } from '../modules/tasks/agents.server';
import { type AgentScheduleValue, ScheduleSchema } from '../modules/tasks/schedule';

export const loader = withPermission('tasks.view', async ({ request, user }) => {
  const days = z.coerce
    .number()
    .int()
    .min(1)
    .max(90)
    .catch(14)
    .parse(new URL(request.url).searchParams.get('days') ?? 14);
  return { agents: await agentsOverview(days), days, canManage: can(user.role, 'tasks.manage') };
});

const Save = z.object({ intent: z.literal('save'), userId: z.string().uuid(), schedule: ScheduleSchema });

export const action = withPermission('tasks.manage', async ({ request, user }) => {
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  if ((request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
    const file = (await request.formData().catch(() => null))?.get('file');
    if (!(file instanceof File)) return { ok: false as const, error: 'tasks.agents.noFile' };
    try {
      return { ok: true as const, ...(await importSchedules(actor, await file.arrayBuffer())) };
    } catch {
      return { ok: false as const, error: 'tasks.agents.badFile' };
    }
  }
  const parsed = Save.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ ok: false, error: 'tasks.agents.invalid' }, { status: 400 });
  await saveSchedule(actor, parsed.data.userId, parsed.data.schedule);
  return { ok: true as const };
});

type Row = Awaited<ReturnType<typeof agentsOverview>>[number];

export default function AgentsPage() {
  const { agents, days, canManage } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher<{ ok: boolean; error?: string; imported?: number; problems?: { row: number; message: string }[] }>();
  const [editing, setEditing] = useState<{ userId: string; name: string; schedule: AgentScheduleValue } | null>(null);
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok && fetcher.data.imported === undefined) setEditing(null);
  }, [fetcher.state, fetcher.data]);
  const problemText = (m: string) => {
    const [key, detail] = m.split(':');
    return `${t(`tasks.agents.problems.${key?.replace('schedule.', '')}`, { defaultValue: key })}${detail ? ` (${detail})` : ''}`;
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('tasks.agents.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('tasks.agents.intro', { days })}</Typography.Paragraph>
      {canManage ? (
        <Space>
          <Upload
            accept=".xlsx"
            showUploadList={false}
            beforeUpload={(file) => {
              const body = new FormData();
              body.set('file', file);
              fetcher.submit(body, { method: 'post', encType: 'multipart/form-data' });
              return false;
            }}
          >
            <Button data-testid="import-schedules">{t('tasks.agents.import')}</Button>
          </Upload>
          <Typography.Text type="secondary">{t('tasks.agents.importHelp')}</Typography.Text>
        </Space>
      ) : null}
      {fetcher.data?.imported !== undefined ? (
        <Alert
          type={fetcher.data.problems?.length ? 'warning' : 'success'}
          title={t('tasks.agents.imported', { count: fetcher.data.imported })}
          description={fetcher.data.problems
            ?.map((p) => `${t('tasks.agents.row', { row: p.row })}: ${problemText(p.message)}`)
            .join('; ')}
          data-testid="import-result"
        />
      ) : null}
      {fetcher.data?.error ? <Alert type="error" title={t(fetcher.data.error)} /> : null}
      <Table<Row>
        rowKey="agentId"
        size="small"
        dataSource={agents}
        data-testid="agents"
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('tasks.assign.agent'), dataIndex: 'displayName', fixed: 'left' },
          {
            title: t('tasks.agents.skills'),
            dataIndex: 'skills',
            render: (skills: Row['skills']) =>
              skills.map((s) => <Tag key={s.name}>{`${s.name} ${'★'.repeat(s.proficiency)}`}</Tag>),
          },
          ...WEEKDAYS.map((d) => ({
            title: t(`tasks.weekdays.${d}`),
            key: d,
            render: (_: unknown, row: Row) => (
              <Typography.Text style={{ fontSize: 12 }}>{shiftsText(row.schedule.weekly[d]) || '—'}</Typography.Text>
            ),
          })),
          { title: t('tasks.agents.hoursThisWeek'), dataIndex: 'scheduledHours' },
          { title: t('tasks.agents.workload'), dataIndex: 'workload' },
          { title: t('tasks.agents.callbacksDue'), dataIndex: 'callbacksDue' },
          { title: t('tasks.agents.connectsPerHour'), dataIndex: 'connectsPerHour' },
          { title: t('tasks.agents.successesPerHour'), dataIndex: 'successesPerHour' },
          ...(canManage
            ? [
                {
                  key: 'edit',
                  render: (_: unknown, row: Row) => (
                    <Button
                      size="small"
                      onClick={() => setEditing({ userId: row.agentId, name: row.displayName, schedule: row.schedule })}
                      data-testid={`edit-schedule-${row.login}`}
                    >
                      {t('tasks.agents.editSchedule')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={editing !== null}
        width={720}
        title={editing ? t('tasks.agents.scheduleOf', { name: editing.name }) : ''}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={fetcher.state !== 'idle'}
        onCancel={() => setEditing(null)}
        onOk={() =>
          editing &&
          fetcher.submit({ intent: 'save', userId: editing.userId, schedule: editing.schedule } as never, {
            method: 'post',
            encType: 'application/json',
          })
        }
        destroyOnHidden
      >
        {editing ? (
          <ScheduleEditor value={editing.schedule} onChange={(schedule) => setEditing({ ...editing, schedule })} />
        ) : null}
      </Modal>
    </Space>
  );
}
