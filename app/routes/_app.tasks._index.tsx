import { Link, useLoaderData, useNavigate, useSearchParams } from '@remix-run/react';
import { Button, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { STATUS_COLOR } from '../components/tasks/status';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { visibleProjectIds, visibleProjectsWhere } from '../modules/auth/project-access';
import { requireFilterAccess } from '../modules/auth/project-access.server';
import { TASK_STATUSES } from '../modules/tasks/lifecycle';
import { listTasks } from '../modules/tasks/tasks.server';
import { formatDateTime } from '../utils/format';

export const loader = withPermission('tasks.view', async ({ request, user }) => {
  const url = new URL(request.url);
  const status = url.searchParams.get('status') ?? undefined;
  const projectId = url.searchParams.get('project') ?? undefined;
  const valid = (id: string | undefined) => (id && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined);
  await requireFilterAccess(user, { project: valid(projectId) });
  return {
    tasks: await listTasks({
      projectId: valid(projectId),
      visible: visibleProjectIds(user),
      status: (TASK_STATUSES as readonly string[]).includes(status ?? '') ? status : undefined,
    }),
    projects: await prisma.project.findMany({
      where: visibleProjectsWhere(user),
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true },
    }),
    canManage: can(user.role, 'tasks.manage'),
    timeZone: user.timeZone,
  };
});

type Row = Awaited<ReturnType<typeof listTasks>>[number];

export default function TasksPage() {
  const { tasks, projects, canManage, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('tasks.title')}</Typography.Title>
        <Space>
          <Link to="/tasks/agents" data-testid="agents-link">
            {t('tasks.agents.title')}
          </Link>
          {canManage ? (
            <Button
              type="primary"
              data-testid="new-task"
              onClick={() => navigate(params.get('project') ? `/tasks/new?project=${params.get('project')}` : '/tasks/new')}
            >
              {t('tasks.new')}
            </Button>
          ) : null}
        </Space>
      </Space>
      <Space>
        <Select
          optionFilterProp="label"
          allowClear
          placeholder={t('tasks.project')}
          style={{ width: 280 }}
          value={params.get('project') ?? undefined}
          onChange={(v) => set('project', v)}
          options={projects.map((p) => ({ value: p.id, label: p.name }))}
        />
        <Select
          optionFilterProp="label"
          allowClear
          placeholder={t('tasks.status')}
          style={{ width: 160 }}
          value={params.get('status') ?? undefined}
          onChange={(v) => set('status', v)}
          options={TASK_STATUSES.map((s) => ({ value: s, label: t(`tasks.statuses.${s}`) }))}
        />
      </Space>
      <Table<Row>
        rowKey="id"
        dataSource={tasks}
        data-testid="tasks"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('tasks.form.name'),
            dataIndex: 'name',
            render: (name: string, row) => <Link to={`/tasks/${row.id}`}>{name}</Link>,
          },
          { title: t('tasks.project'), dataIndex: 'projectName' },
          {
            title: t('tasks.form.channel'),
            dataIndex: 'channel',
            render: (c: string, row) =>
              `${t(`tasks.channels.${c}`)}${row.dialMode ? ` · ${t(`tasks.dialModes.${row.dialMode}`)}` : ''}`,
          },
          {
            title: t('tasks.status'),
            dataIndex: 'status',
            render: (s: Row['status']) => <Tag color={STATUS_COLOR[s]}>{t(`tasks.statuses.${s}`)}</Tag>,
          },
          { title: t('tasks.form.priority'), dataIndex: 'priority' },
          { title: t('tasks.rulesVersion'), dataIndex: 'rulesVersion', render: (v: number | null) => (v ? `v${v}` : '—') },
          {
            title: t('tasks.updatedAt'),
            dataIndex: 'updatedAt',
            render: (at: string) => formatDateTime(at, timeZone, i18n.language),
          },
        ]}
      />
    </Space>
  );
}
