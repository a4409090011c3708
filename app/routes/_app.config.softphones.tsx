import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { publicUrl } from '../env.server';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import {
  revokeVertoCredential,
  rotateDirectoryKey,
  saveVertoSettings,
  vertoCredentialList,
  vertoSettings,
  xmlCurlConfig,
} from '../modules/workstation/verto-credentials.server';
import { formatDateTime } from '../utils/format';

// 配置 → 软电话: the agents' Verto extensions and secrets, and the key FreeSWITCH's mod_xml_curl
// uses to read them (docs/workstation.md, "FreeSWITCH softphone").
export const loader = withPermission('users.manage', async ({ user }) => {
  const settings = await vertoSettings();
  const { directoryKeySealed, ...rest } = settings;
  return {
    settings: rest,
    keySet: Boolean(directoryKeySealed),
    agents: await vertoCredentialList(),
    snippet: xmlCurlConfig(publicUrl()),
    timeZone: user.timeZone,
  };
});

const Body = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('save'), settings: z.unknown() }),
  z.object({ intent: z.literal('rotateKey') }),
  z.object({ intent: z.literal('revoke'), userId: z.string().uuid() }),
]);

export const action = withPermission('users.manage', async ({ request, user }) => {
  const body = Body.safeParse(await request.json().catch(() => null));
  if (!body.success)
    return Response.json({ ok: false as const, errors: [{ path: '', message: 'Bad request' }] }, { status: 400 });
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  if (body.data.intent === 'save') return Response.json(await saveVertoSettings(actor, body.data.settings));
  if (body.data.intent === 'rotateKey') {
    const key = await rotateDirectoryKey(actor);
    return Response.json({ ok: true as const, key, snippet: xmlCurlConfig(publicUrl(), key) });
  }
  return Response.json({ ok: true as const, revoked: await revokeVertoCredential(actor, body.data.userId) });
});

type ActionData = {
  ok: boolean;
  errors?: { path: string; message: string }[];
  key?: string;
  snippet?: string;
  revoked?: boolean;
};

export default function SoftphonesPage() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const save = useFetcher<ActionData>();
  const rotate = useFetcher<ActionData>();
  const revoke = useFetcher<ActionData>();
  useEffect(() => {
    if (save.state === 'idle' && save.data?.ok) message.success(t('workstation.vertoAdmin.saved'));
  }, [save.state, save.data, message, t]);
  useEffect(() => {
    if (revoke.state === 'idle' && revoke.data?.revoked) message.success(t('workstation.vertoAdmin.revokedDone'));
  }, [revoke.state, revoke.data, message, t]);
  const post = (fetcher: typeof save, body: object) =>
    fetcher.submit(JSON.parse(JSON.stringify(body)), { method: 'post', encType: 'application/json' });
  const errors = save.data && !save.data.ok ? (save.data.errors ?? []) : [];
  const problem = (field: string) => errors.find((e) => e.path === field)?.message;
  // In the admin's own time zone, so the server's render and the browser's agree.
  const format = (iso: string) => formatDateTime(iso, data.timeZone, i18n.language);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Card title={t('workstation.vertoAdmin.title')}>
        <Typography.Paragraph type="secondary">{t('workstation.vertoAdmin.help')}</Typography.Paragraph>
        <Form layout="inline" initialValues={data.settings} onFinish={(v) => post(save, { intent: 'save', settings: v })}>
          <Form.Item name="extensionFrom" label={t('workstation.vertoAdmin.extensionFrom')} rules={[{ required: true }]}>
            <InputNumber min={1} max={99_999_999} data-testid="extension-from" />
          </Form.Item>
          <Form.Item
            name="extensionTo"
            label={t('workstation.vertoAdmin.extensionTo')}
            rules={[{ required: true }]}
            validateStatus={problem('extensionTo') ? 'error' : undefined}
            help={problem('extensionTo')}
          >
            <InputNumber min={1} max={99_999_999} data-testid="extension-to" />
          </Form.Item>
          <Form.Item name="credentialHours" label={t('workstation.vertoAdmin.credentialHours')} rules={[{ required: true }]}>
            <InputNumber min={1} max={72} />
          </Form.Item>
          <Form.Item
            name="context"
            label={t('workstation.vertoAdmin.context')}
            rules={[{ required: true, pattern: /^[A-Za-z0-9_.-]{1,64}$/ }]}
          >
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.state !== 'idle'}>
            {t('workstation.vertoAdmin.save')}
          </Button>
        </Form>
      </Card>
      <Card title={t('workstation.vertoAdmin.key')}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Alert
            type={data.keySet ? 'success' : 'warning'}
            showIcon
            message={t(data.keySet ? 'workstation.vertoAdmin.keySet' : 'workstation.vertoAdmin.keyUnset')}
          />
          <Popconfirm title={t('workstation.vertoAdmin.rotateConfirm')} onConfirm={() => post(rotate, { intent: 'rotateKey' })}>
            <Button loading={rotate.state !== 'idle'} data-testid="rotate-key">
              {t('workstation.vertoAdmin.rotate')}
            </Button>
          </Popconfirm>
          {rotate.data?.key ? (
            <Typography.Text>
              {t('workstation.vertoAdmin.newKey')}{' '}
              <Typography.Text code copyable data-testid="new-key">
                {rotate.data.key}
              </Typography.Text>
            </Typography.Text>
          ) : null}
          <Typography.Text strong>{t('workstation.vertoAdmin.snippet')}</Typography.Text>
          <Typography.Paragraph>
            <pre style={{ margin: 0 }}>{rotate.data?.snippet ?? data.snippet}</pre>
          </Typography.Paragraph>
        </Space>
      </Card>
      <Card title={t('workstation.vertoAdmin.agents')}>
        <Table
          rowKey="userId"
          size="small"
          pagination={{ pageSize: 50 }}
          dataSource={data.agents}
          locale={{ emptyText: t('workstation.vertoAdmin.none') }}
          columns={[
            { title: t('workstation.vertoAdmin.extension'), dataIndex: 'extension', width: 110 },
            {
              title: t('workstation.vertoAdmin.agent'),
              render: (_, r) => `${r.displayName} (${r.login})`,
            },
            {
              title: t('workstation.vertoAdmin.status'),
              render: (_, r) =>
                r.status === 'valid' && r.expiresAt ? (
                  <Tag color="green">{t('workstation.vertoAdmin.valid', { time: format(r.expiresAt) })}</Tag>
                ) : (
                  <Tag>{t(`workstation.vertoAdmin.${r.status}`)}</Tag>
                ),
            },
            {
              title: '',
              width: 100,
              render: (_, r) =>
                r.status === 'valid' ? (
                  <Button size="small" danger onClick={() => post(revoke, { intent: 'revoke', userId: r.userId })}>
                    {t('workstation.vertoAdmin.revoke')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
