import { Link, useFetcher, useLoaderData, useNavigate } from '@remix-run/react';
import { Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { requireProjectAccess, visibleProjectIds } from '../modules/auth/project-access';
import { clientIp } from '../modules/auth/session.server';
import { listProjects } from '../modules/projects/projects.server';
import { createQuestionnaire, listQuestionnaires } from '../modules/questionnaires/questionnaires.server';
import { STARTER_FLOWS } from '../modules/questionnaires/samples';
import { formatDateTime } from '../utils/format';
import { fieldErrors } from '../utils/forms';

export const loader = withPermission('questionnaires.view', async ({ user }) => ({
  questionnaires: await listQuestionnaires(visibleProjectIds(user)),
  projects: (await listProjects(visibleProjectIds(user)))
    .filter((p) => p.status !== 'archived')
    .map((p) => ({ id: p.id, name: p.name })),
  timeZone: user.timeZone,
}));

const CreateSchema = z.object({
  projectId: z.string().uuid({ message: 'questionnaires.list.projectRequired' }),
  name: z.string().trim().min(1, { message: 'questionnaires.list.nameRequired' }).max(100),
  description: z.string().max(1000).default(''),
  starter: z.enum(Object.keys(STARTER_FLOWS) as [keyof typeof STARTER_FLOWS]).default('blank'),
});

export const action = withPermission('questionnaires.manage', async ({ request, user }) => {
  const parsed = CreateSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, errors: fieldErrors(parsed.error) };
  requireProjectAccess(user, parsed.data.projectId);
  const q = await createQuestionnaire({ id: user.id, name: user.login, ip: clientIp(request) }, parsed.data);
  return { ok: true as const, id: q.id };
});

type Row = Awaited<ReturnType<typeof listQuestionnaires>>[number];

export default function QuestionnairesPage() {
  const { questionnaires, projects, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();

  useEffect(() => {
    if (fetcher.state !== 'idle' || !fetcher.data) return;
    if (fetcher.data.ok) navigate(`/questionnaires/${fetcher.data.id}`);
    else
      form.setFields(
        Object.entries(fetcher.data.errors).map(([name, key]) => ({ name, errors: [t(key, { defaultValue: key })] })),
      );
  }, [fetcher.state, fetcher.data, form, navigate, t]);

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('questionnaires.list.title')}</Typography.Title>
        <Space>
          <Link to="/questionnaires/bank">
            <Button data-testid="open-bank">{t('questionnaires.bank.title')}</Button>
          </Link>
          <Button
            type="primary"
            data-testid="new-questionnaire"
            onClick={() => {
              form.resetFields();
              setOpen(true);
            }}
          >
            {t('questionnaires.list.new')}
          </Button>
        </Space>
      </Space>
      <Table<Row>
        rowKey="id"
        dataSource={questionnaires}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('questionnaires.list.name'),
            dataIndex: 'name',
            render: (name: string, row) => <Link to={`/questionnaires/${row.id}`}>{name}</Link>,
          },
          { title: t('questionnaires.list.project'), dataIndex: 'projectName' },
          {
            title: t('questionnaires.list.version'),
            dataIndex: 'latestVersion',
            render: (v: number, row) => (
              <Space>
                {v ? <Tag color="green">v{v}</Tag> : <Tag>{t('questionnaires.list.unpublished')}</Tag>}
                {row.draftAhead && v ? <Tag color="orange">{t('questionnaires.list.draftAhead')}</Tag> : null}
              </Space>
            ),
          },
          { title: t('questionnaires.list.responses'), dataIndex: 'responses' },
          {
            title: t('questionnaires.list.updatedAt'),
            dataIndex: 'updatedAt',
            render: (at: string) => formatDateTime(at, timeZone, i18n.language),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, row) => <Link to={`/questionnaires/${row.id}/stats`}>{t('questionnaires.stats.title')}</Link>,
          },
        ]}
      />
      <Modal
        open={open}
        title={t('questionnaires.list.new')}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        confirmLoading={fetcher.state !== 'idle'}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ starter: 'blank', projectId: projects[0]?.id }}
          onFinish={(values) => fetcher.submit(values, { method: 'post', encType: 'application/json' })}
        >
          <Form.Item
            name="projectId"
            label={t('questionnaires.list.project')}
            rules={[{ required: true, message: t('questionnaires.list.projectRequired') }]}
          >
            <Select data-testid="questionnaire-project" options={projects.map((p) => ({ value: p.id, label: p.name }))} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('questionnaires.list.name')}
            rules={[{ required: true, message: t('questionnaires.list.nameRequired') }]}
          >
            <Input data-testid="questionnaire-name" />
          </Form.Item>
          <Form.Item name="starter" label={t('questionnaires.list.starter')}>
            <Select
              options={Object.keys(STARTER_FLOWS).map((k) => ({ value: k, label: t(`questionnaires.list.starters.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="description" label={t('questionnaires.list.description')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
