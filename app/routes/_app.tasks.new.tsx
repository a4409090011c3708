import { redirect } from '@remix-run/node';
import { useFetcher, useLoaderData, useNavigate } from '@remix-run/react';
import { Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { TaskForm } from '../components/tasks/TaskForm';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { visibleProjectsWhere } from '../modules/auth/project-access';
import { clientIp } from '../modules/auth/session.server';
import { taskFormOptions } from '../modules/tasks/task-options.server';
import { CountIntent, countIntent, SaveIntent, saveIntent } from '../modules/tasks/task-route.server';
import { TaskInputSchema } from '../modules/tasks/task-schema';

export const loader = withPermission('tasks.manage', async ({ request, user }) => {
  const projects = await prisma.project.findMany({
    where: { status: { not: 'archived' }, ...visibleProjectsWhere(user) },
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true },
  });
  const wanted = new URL(request.url).searchParams.get('project');
  const project = projects.find((p) => p.id === wanted) ?? projects[0];
  if (!project) return { projects, options: null, initial: null };
  const initial = TaskInputSchema.parse({
    projectId: project.id,
    name: '-',
    condition: { combinator: 'and', rules: [] },
    channel: 'agent',
    dialMode: 'preview',
    assignment: { mode: 'even' },
  });
  return { projects, options: await taskFormOptions(project.id), initial: { ...initial, name: '' } };
});

const Intent = z.discriminatedUnion('intent', [CountIntent, SaveIntent]);

export const action = withPermission('tasks.manage', async ({ request, user }) => {
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ ok: false, errors: { _form: 'tasks.errors.invalid' } }, { status: 400 });
  if (parsed.data.intent === 'count') return countIntent(user, parsed.data);
  const saved = await saveIntent({ ...user, name: user.login, ip: clientIp(request) }, parsed.data);
  return saved.ok ? redirect(`/tasks/${saved.id}`) : saved;
});

type ActionData = Exclude<Awaited<ReturnType<typeof action>>, Response>;

export default function NewTaskPage() {
  const { projects, options, initial } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const count = useFetcher<ActionData>();
  const save = useFetcher<ActionData>();
  const counted =
    count.data && 'matching' in count.data
      ? { matching: count.data.matching as number, eligible: count.data.eligible as number }
      : null;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('tasks.new')}</Typography.Title>
      <Space>
        <Typography.Text>{t('tasks.project')}</Typography.Text>
        <div data-testid="task-project">
          <Select
            optionFilterProp="label"
            style={{ minWidth: 320 }}
            value={options?.project.id}
            options={projects.map((p) => ({ value: p.id, label: p.name }))}
            onChange={(id) => navigate(`/tasks/new?project=${id}`)}
          />
        </div>
      </Space>
      {options && initial ? (
        <TaskForm
          key={options.project.id}
          options={options}
          initial={initial}
          count={counted}
          onCount={(condition) =>
            count.submit({ intent: 'count', projectId: options.project.id, condition } as never, {
              method: 'post',
              encType: 'application/json',
            })
          }
          onSubmit={(task) => save.submit({ intent: 'save', task } as never, { method: 'post', encType: 'application/json' })}
          submitting={save.state !== 'idle'}
          errors={(save.data?.errors as Record<string, string>) ?? {}}
          ruleErrors={[...((count.data?.ruleErrors as never[]) ?? []), ...((save.data?.ruleErrors as never[]) ?? [])]}
        />
      ) : (
        <Typography.Text type="secondary">{t('tasks.noProjects')}</Typography.Text>
      )}
    </Space>
  );
}
