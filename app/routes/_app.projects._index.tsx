import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { App, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { withPermission } from '../modules/auth/guard.server';
import { visibleProjectIds } from '../modules/auth/project-access';
import { clientIp } from '../modules/auth/session.server';
import { PROJECT_TYPES, ProjectCreateSchema } from '../modules/projects/project-schema';
import { addProjectMember, createProject, listProjects } from '../modules/projects/projects.server';
import { formatDateTime } from '../utils/format';
import { fieldErrors } from '../utils/forms';

export const loader = withPermission('projects.view', async ({ user }) => ({
  projects: await listProjects(visibleProjectIds(user)),
  timeZone: user.timeZone,
}));

export const action = withPermission('projects.manage', async ({ request, user }) => {
  const parsed = ProjectCreateSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, errors: fieldErrors(parsed.error) };
  const project = await createProject({ id: user.id, name: user.login, ip: clientIp(request) }, parsed.data);
  // A supervisor limited to some projects keeps seeing the project they just created.
  if (user.projects !== 'all') await addProjectMember(user.id, project.id);
  return { ok: true as const, id: project.id };
});

type Row = Awaited<ReturnType<typeof listProjects>>[number];

export default function ProjectsPage() {
  const { projects, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fetcher = useFetcher<typeof action>();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();

  useEffect(() => {
    if (fetcher.state !== 'idle' || !fetcher.data) return;
    if (fetcher.data.ok) {
      setOpen(false);
      void message.success(t('lists.projects.created'));
    } else {
      form.setFields(
        Object.entries(fetcher.data.errors).map(([name, key]) => ({ name, errors: [t(`lists.${key}`, { defaultValue: key })] })),
      );
    }
  }, [fetcher.state, fetcher.data, form, message, t]);

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('lists.projects.title')}</Typography.Title>
        <Button
          type="primary"
          onClick={() => {
            form.resetFields();
            setOpen(true);
          }}
          data-testid="new-project"
        >
          {t('lists.projects.new')}
        </Button>
      </Space>
      <Table<Row>
        rowKey="id"
        dataSource={projects}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('lists.projects.name'),
            dataIndex: 'name',
            render: (name: string, row) => <Link to={`/projects/${row.id}`}>{name}</Link>,
          },
          { title: t('lists.projects.type'), dataIndex: 'type', render: (type: string) => t(`lists.projects.types.${type}`) },
          {
            title: t('lists.projects.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag>{t(`lists.projects.statuses.${s}`)}</Tag>,
          },
          { title: t('lists.projects.contacts'), dataIndex: 'contacts' },
          { title: t('lists.projects.rulesVersion'), dataIndex: 'rulesVersion' },
          {
            title: t('lists.projects.updatedAt'),
            dataIndex: 'updatedAt',
            render: (at: string) => formatDateTime(at, timeZone, i18n.language),
          },
        ]}
      />
      <Modal
        open={open}
        title={t('lists.projects.new')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={fetcher.state !== 'idle'}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ type: 'returnVisit', description: '' }}
          onFinish={(values) => fetcher.submit(values, { method: 'post', encType: 'application/json' })}
        >
          <Form.Item
            name="name"
            label={t('lists.projects.name')}
            rules={[{ required: true, message: t('lists.projects.nameRequired') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="type" label={t('lists.projects.type')}>
            <Select options={PROJECT_TYPES.map((v) => ({ value: v, label: t(`lists.projects.types.${v}`) }))} />
          </Form.Item>
          <Form.Item name="description" label={t('lists.projects.description')}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
