import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { ROLES } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { LOCALES, ProjectAccessSchema, SCOPED_ROLES, UserCreateSchema, UserUpdateSchema } from '../modules/users/user-schema';
import { createUser, listUsers, resetPassword, setProjectAccess, UserRuleError, updateUser } from '../modules/users/users.server';
import { COMMON_TIME_ZONES, formatDateTime } from '../utils/format';
import { fieldErrors } from '../utils/forms';

export const loader = withPermission('users.manage', async ({ user }) => ({
  users: await listUsers(),
  projects: await prisma.project.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, name: true } }),
  me: user.id,
  timeZone: user.timeZone,
}));

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('create'), user: UserCreateSchema, access: ProjectAccessSchema }),
  z.object({ intent: z.literal('update'), id: z.string().uuid(), user: UserUpdateSchema, access: ProjectAccessSchema }),
  z.object({ intent: z.literal('resetPassword'), id: z.string().uuid() }),
]);

type ActionResult =
  | { ok: true; intent: string; login?: string; password?: string }
  | { ok: false; errors: Record<string, string> };

export const action = withPermission('users.manage', async ({ request, user }): Promise<ActionResult> => {
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  try {
    const input = parsed.data;
    if (input.intent === 'create') {
      const created = await createUser(actor, input.user, undefined, input.access);
      return { ok: true, intent: 'create', login: created.user.login, password: created.password };
    }
    if (input.intent === 'update') {
      await updateUser(actor, input.id, input.user);
      await setProjectAccess(actor, input.id, input.access);
      return { ok: true, intent: 'update' };
    }
    const reset = await resetPassword(actor, input.id);
    return { ok: true, intent: 'resetPassword', login: reset.login, password: reset.password };
  } catch (error) {
    if (error instanceof UserRuleError) {
      const field = { 'login.taken': 'user.login', 'projects.unknown': 'user.projectIds' }[error.code as string] ?? '_form';
      return { ok: false, errors: { [field]: error.code } };
    }
    throw error;
  }
});

type UserRow = Awaited<ReturnType<typeof listUsers>>[number];
type Editing = { mode: 'create' } | { mode: 'update'; user: UserRow } | null;

export default function UsersPage() {
  const { users, projects, me, timeZone } = useLoaderData<typeof loader>();
  const projectNames = new Map(projects.map((p) => [p.id, p.name]));
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fetcher = useFetcher<typeof action>();
  const [editing, setEditing] = useState<Editing>(null);
  const [form] = Form.useForm();
  const result = fetcher.data;
  const [shownPassword, setShownPassword] = useState<{ login: string; password: string } | null>(null);

  useEffect(() => {
    if (fetcher.state !== 'idle' || !result) return;
    if (result.ok) {
      setEditing(null);
      if (result.password && result.login) setShownPassword({ login: result.login, password: result.password });
      else void message.success(t('users.saved'));
    } else {
      const formError = result.errors._form;
      if (formError) void message.error(t(`validation.${formError}`));
      form.setFields(
        Object.entries(result.errors)
          .filter(([field]) => field.startsWith('user.'))
          .map(([field, key]) => ({ name: field.slice(5), errors: [t(`validation.${key}`)] })),
      );
    }
  }, [fetcher.state, result, form, message, t]);

  const open = (next: Editing) => {
    form.resetFields();
    if (next?.mode === 'update') form.setFieldsValue(next.user);
    // A new user sees only the projects the admin picks (ADR 106).
    else form.setFieldsValue({ role: 'agent', timeZone: 'Asia/Shanghai', locale: null, allProjects: false, projectIds: [] });
    setEditing(next);
  };

  const submit = (values: Record<string, string | string[] | boolean | null | undefined>) => {
    const { allProjects, projectIds, ...rest } = values;
    const user = { ...rest, locale: rest.locale ?? null } as Record<string, string | boolean | null>;
    const access = { allProjects: allProjects === true, projectIds: (projectIds as string[] | undefined) ?? [] };
    if (editing?.mode === 'update') {
      fetcher.submit({ intent: 'update', id: editing.user.id, user, access }, { method: 'post', encType: 'application/json' });
    } else {
      fetcher.submit({ intent: 'create', user, access }, { method: 'post', encType: 'application/json' });
    }
  };
  const role = Form.useWatch('role', form) as string | undefined;
  const allProjects = Form.useWatch('allProjects', form) as boolean | undefined;
  const scoped = (SCOPED_ROLES as readonly string[]).includes(role ?? '');

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('users.title')}</Typography.Title>
        <Button type="primary" onClick={() => open({ mode: 'create' })} data-testid="new-user">
          {t('users.new')}
        </Button>
      </Space>
      <Table<UserRow>
        rowKey="id"
        dataSource={users}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('users.login'), dataIndex: 'login' },
          { title: t('users.displayName'), dataIndex: 'displayName' },
          { title: t('users.role'), dataIndex: 'role', render: (role: string) => <Tag>{t(`roles.${role}`)}</Tag> },
          {
            title: t('users.projects'),
            key: 'projects',
            render: (_, row) =>
              row.role === 'admin' || row.allProjects ? (
                t('users.allProjects')
              ) : row.role === 'agent' ? (
                t('users.byTasks')
              ) : row.projectIds.length ? (
                row.projectIds.map((id) => <Tag key={id}>{projectNames.get(id) ?? id}</Tag>)
              ) : (
                <Typography.Text type="secondary">{t('users.noProjects')}</Typography.Text>
              ),
          },
          {
            title: t('users.status'),
            dataIndex: 'active',
            render: (active: boolean) => (
              <Tag color={active ? 'green' : 'default'}>{active ? t('users.active') : t('users.inactive')}</Tag>
            ),
          },
          {
            title: t('users.lastLogin'),
            dataIndex: 'lastLoginAt',
            render: (at: string | null) => (at ? formatDateTime(at, timeZone, i18n.language) : t('common.never')),
          },
          {
            title: t('common.actions'),
            render: (_, row) => (
              <Space>
                <Button size="small" onClick={() => open({ mode: 'update', user: row })}>
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('users.resetConfirm', { login: row.login })}
                  onConfirm={() =>
                    fetcher.submit({ intent: 'resetPassword', id: row.id }, { method: 'post', encType: 'application/json' })
                  }
                >
                  <Button size="small">{t('users.resetPassword')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing?.mode === 'update' ? t('users.editTitle', { login: editing.user.login }) : t('users.new')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={fetcher.state !== 'idle'}
        onOk={() => form.submit()}
        onCancel={() => setEditing(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
          {editing?.mode === 'create' ? (
            <Form.Item
              name="login"
              label={t('users.login')}
              rules={[{ required: true, message: t('validation.login.tooShort') }]}
            >
              <Input autoComplete="off" />
            </Form.Item>
          ) : null}
          <Form.Item
            name="displayName"
            label={t('users.displayName')}
            rules={[{ required: true, message: t('validation.displayName.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
            <Select options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
          </Form.Item>
          {scoped ? (
            <>
              <Form.Item name="allProjects" label={t('users.allProjects')} valuePropName="checked">
                <Switch data-testid="user-all-projects" />
              </Form.Item>
              <Form.Item
                name="projectIds"
                label={t('users.projects')}
                extra={t('users.projectsHint')}
                hidden={allProjects === true}
              >
                <Select
                  mode="multiple"
                  data-testid="user-projects"
                  optionFilterProp="label"
                  options={projects.map((p) => ({ value: p.id, label: p.name }))}
                />
              </Form.Item>
            </>
          ) : (
            <>
              {/* Kept in the form so that a role change back keeps what was picked. */}
              <Form.Item name="allProjects" hidden valuePropName="checked">
                <Switch />
              </Form.Item>
              <Form.Item name="projectIds" hidden>
                <Select mode="multiple" />
              </Form.Item>
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                message={
                  role === 'admin'
                    ? t('users.adminSeesAll')
                    : role === 'agent'
                      ? t('users.agentByTasks')
                      : t('users.noProjectData')
                }
              />
            </>
          )}
          <Form.Item name="locale" label={t('users.locale')}>
            <Select
              options={[
                { value: null, label: t('users.localeAuto') },
                ...LOCALES.map((l) => ({ value: l, label: l === 'en' ? 'English' : '简体中文' })),
              ]}
            />
          </Form.Item>
          <Form.Item name="timeZone" label={t('users.timeZone')}>
            <Select showSearch options={COMMON_TIME_ZONES.map((z) => ({ value: z, label: z }))} />
          </Form.Item>
          {editing?.mode === 'update' ? (
            <Form.Item name="active" label={t('users.active')} valuePropName="checked">
              <Switch disabled={editing.user.id === me} />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>
      <Modal
        open={shownPassword !== null}
        title={shownPassword ? t('users.passwordTitle', { login: shownPassword.login }) : ''}
        onOk={() => setShownPassword(null)}
        onCancel={() => setShownPassword(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        <Typography.Paragraph>{t('users.passwordOnce')}</Typography.Paragraph>
        <Typography.Text code copyable data-testid="shown-password">
          {shownPassword?.password}
        </Typography.Text>
      </Modal>
    </>
  );
}
