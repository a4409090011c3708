import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, Button, Checkbox, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { createApiKey, listApiKeys, revokeApiKey } from '../modules/lists/api-keys.server';
import { API_SCOPES } from '../modules/lists/api-scopes';
import { projectOrNotFound } from '../modules/projects/project-route.server';

export const loader = withPermission('projects.manage', async ({ params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  return { keys: await listApiKeys(project.id), projectId: project.id };
});

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('create'), name: z.string().trim().min(1).max(60), scopes: z.array(z.enum(API_SCOPES)).min(1) }),
  z.object({ intent: z.literal('revoke'), id: z.string().uuid() }),
]);

export const action = withPermission('projects.manage', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  if (parsed.data.intent === 'revoke') {
    await revokeApiKey(actor, project.id, parsed.data.id);
    return { ok: true as const, key: null };
  }
  const created = await createApiKey(actor, project.id, parsed.data.name, parsed.data.scopes);
  return { ok: true as const, key: created.key };
});

export default function ApiKeysPage() {
  const { keys, projectId } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const shown = fetcher.data?.ok ? fetcher.data.key : null;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">
        {t('lists.keys.help')} <Typography.Text code>POST /api/v1/projects/{projectId}/contacts</Typography.Text> ·{' '}
        <a href="/api/v1/openapi.json">OpenAPI</a>
      </Typography.Paragraph>
      {shown ? (
        <Alert
          type="success"
          showIcon
          message={t('lists.keys.shownOnce')}
          description={
            <Typography.Text code copyable data-testid="new-key">
              {shown}
            </Typography.Text>
          }
        />
      ) : null}
      <Form
        layout="inline"
        initialValues={{ scopes: ['contacts.write'] }}
        onFinish={(v: { name: string; scopes: string[] }) =>
          fetcher.submit({ intent: 'create', ...v }, { method: 'post', encType: 'application/json' })
        }
      >
        <Form.Item name="name" rules={[{ required: true, message: t('lists.keys.name') }]}>
          <Input placeholder={t('lists.keys.name')} />
        </Form.Item>
        <Form.Item name="scopes">
          <Checkbox.Group options={API_SCOPES.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
        <Button htmlType="submit" type="primary" loading={fetcher.state !== 'idle'}>
          {t('lists.keys.create')}
        </Button>
      </Form>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={keys}
        columns={[
          { title: t('lists.keys.name'), dataIndex: 'name' },
          {
            title: t('lists.keys.prefix'),
            dataIndex: 'prefix',
            render: (p: string) => <Typography.Text code>wh_{p}_…</Typography.Text>,
          },
          { title: t('lists.keys.scopes'), dataIndex: 'scopes', render: (s: string[]) => s.map((x) => <Tag key={x}>{x}</Tag>) },
          { title: t('lists.keys.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => v ?? t('common.never') },
          {
            title: '',
            render: (_, row) =>
              row.revokedAt ? (
                <Tag>{t('lists.keys.revoked')}</Tag>
              ) : (
                <Popconfirm
                  title={t('lists.keys.revokeConfirm')}
                  onConfirm={() =>
                    fetcher.submit({ intent: 'revoke', id: row.id }, { method: 'post', encType: 'application/json' })
                  }
                >
                  <Button size="small" danger>
                    {t('lists.keys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Space>
  );
}
