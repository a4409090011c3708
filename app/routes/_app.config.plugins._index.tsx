import { redirect } from '@remix-run/node';
import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, App, Badge, Button, Card, Form, Input, Modal, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { actionError } from '../plugins/action-errors.server';
import { createInstallation, deleteInstallation, listInstallations, setEnabled } from '../plugins/installations.server';
import { localized } from '../plugins/manifest';
import { listPlugins } from '../plugins/registry.server';
import { formatDateTime } from '../utils/format';
import { fieldErrors } from '../utils/forms';

export const loader = withPermission('plugins.manage', async ({ user }) => {
  let registryError: string | null = null;
  let plugins: ReturnType<typeof listPlugins> = [];
  try {
    plugins = listPlugins();
  } catch (error) {
    registryError = (error as Error).message;
  }
  return {
    plugins: plugins.map((p) => p.manifest),
    registryError,
    installations: await listInstallations(),
    timeZone: user.timeZone,
  };
});

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('install'), pluginId: z.string().min(1), name: z.string().trim().min(1).max(80) }),
  z.object({ intent: z.literal('setEnabled'), id: z.string().uuid(), enabled: z.boolean() }),
  z.object({ intent: z.literal('delete'), id: z.string().uuid() }),
]);

type ActionResult = { ok: true; intent: string } | { ok: false; errors: Record<string, string> };

export const action = withPermission('plugins.manage', async ({ request, user }): Promise<ActionResult | Response> => {
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  const input = parsed.data;
  try {
    if (input.intent === 'install') {
      const row = await createInstallation(actor, input.pluginId, input.name);
      return redirect(`/config/plugins/${row.id}`);
    }
    if (input.intent === 'setEnabled') await setEnabled(actor, input.id, input.enabled);
    else await deleteInstallation(actor, input.id);
    return { ok: true, intent: input.intent };
  } catch (error) {
    return actionError(error);
  }
});

type PluginRow = ReturnType<typeof useLoaderData<typeof loader>>['plugins'][number];
type InstallationRow = ReturnType<typeof useLoaderData<typeof loader>>['installations'][number];

export default function PluginsPage() {
  const { plugins, installations, registryError, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fetcher = useFetcher<typeof action>();
  const [installing, setInstalling] = useState<PluginRow | null>(null);
  const [form] = Form.useForm();
  const result = fetcher.data;
  const byId = new Map(plugins.map((p) => [p.id, p]));

  useEffect(() => {
    if (fetcher.state !== 'idle' || !result || !('ok' in result)) return;
    if (result.ok) void message.success(t('plugins.saved'));
    else void message.error(String(Object.values(result.errors)[0] ?? t('common.failed')));
  }, [fetcher.state, result, message, t]);

  const post = (body: Record<string, unknown>) => fetcher.submit(body as never, { method: 'post', encType: 'application/json' });

  const origins = (fetch: string[]) =>
    fetch.length === 0
      ? t('plugins.noNetwork')
      : fetch.map((f) => (f.startsWith('config:') ? t('plugins.originFromConfig', { field: f.slice(7) }) : f)).join(', ');

  return (
    <>
      <Typography.Title level={3}>{t('plugins.title')}</Typography.Title>
      {registryError ? <Alert type="error" showIcon message={t('plugins.registryError')} description={registryError} /> : null}
      <Card title={t('plugins.installations')} style={{ marginBottom: 16 }}>
        <Table<InstallationRow>
          rowKey="id"
          dataSource={installations}
          pagination={false}
          locale={{ emptyText: t('plugins.noInstallations') }}
          data-testid="installations"
          columns={[
            {
              title: t('plugins.name'),
              dataIndex: 'name',
              render: (name: string, row) => <Link to={`/config/plugins/${row.id}`}>{name}</Link>,
            },
            {
              title: t('plugins.plugin'),
              dataIndex: 'pluginId',
              render: (id: string) => localized(byId.get(id)?.name, i18n.language) || id,
            },
            {
              title: t('plugins.version'),
              dataIndex: 'pluginVersion',
              render: (v: string, row) => {
                const current = byId.get(row.pluginId)?.version;
                return current && current !== v ? <Tag color="orange">{t('plugins.versionOld', { saved: v, current })}</Tag> : v;
              },
            },
            {
              title: t('plugins.enabled'),
              dataIndex: 'enabled',
              render: (enabled: boolean, row) => (
                <Switch checked={enabled} onChange={(next) => post({ intent: 'setEnabled', id: row.id, enabled: next })} />
              ),
            },
            {
              title: t('plugins.health'),
              dataIndex: 'lastHealthOk',
              render: (ok: boolean | null, row) =>
                ok === null ? (
                  <Badge status="default" text={t('plugins.healthUnknown')} />
                ) : (
                  <Badge
                    status={ok ? 'success' : 'error'}
                    text={`${ok ? t('plugins.healthOk') : t('plugins.healthFailed')} · ${row.lastHealthAt ? formatDateTime(row.lastHealthAt, timeZone, i18n.language) : ''}`}
                  />
                ),
            },
            {
              title: t('common.actions'),
              render: (_, row) => (
                <Space>
                  <Link to={`/config/plugins/${row.id}`}>{t('plugins.configure')}</Link>
                  <Popconfirm
                    title={t('plugins.uninstallConfirm', { name: row.name })}
                    onConfirm={() => post({ intent: 'delete', id: row.id })}
                  >
                    <Button size="small" danger>
                      {t('plugins.uninstall')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('plugins.available')}>
        <Table<PluginRow>
          rowKey="id"
          dataSource={plugins}
          pagination={false}
          data-testid="available-plugins"
          columns={[
            {
              title: t('plugins.plugin'),
              dataIndex: 'name',
              render: (_, p) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text strong>{localized(p.name, i18n.language)}</Typography.Text>
                  <Typography.Text type="secondary">{localized(p.description, i18n.language)}</Typography.Text>
                </Space>
              ),
            },
            { title: t('plugins.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`plugins.kinds.${k}`)}</Tag> },
            { title: t('plugins.version'), dataIndex: 'version' },
            {
              title: t('plugins.network'),
              dataIndex: 'capabilities',
              render: (c: { fetch: string[] }) => origins(c.fetch),
            },
            {
              title: t('common.actions'),
              render: (_, p) => (
                <Button
                  type="primary"
                  size="small"
                  data-testid={`install-${p.id}`}
                  onClick={() => {
                    form.setFieldsValue({ name: localized(p.name, i18n.language) });
                    setInstalling(p);
                  }}
                >
                  {t('plugins.install')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={installing !== null}
        title={installing ? t('plugins.installTitle', { name: localized(installing.name, i18n.language) }) : ''}
        okText={t('plugins.install')}
        cancelText={t('common.cancel')}
        confirmLoading={fetcher.state !== 'idle'}
        onOk={() => form.submit()}
        onCancel={() => setInstalling(null)}
      >
        <Typography.Paragraph type="secondary">{t('plugins.installHint')}</Typography.Paragraph>
        <Form
          form={form}
          layout="vertical"
          onFinish={(values: { name: string }) =>
            installing && post({ intent: 'install', pluginId: installing.id, name: values.name })
          }
        >
          <Form.Item
            name="name"
            label={t('plugins.installationName')}
            rules={[{ required: true, message: t('plugins.nameRequired') }]}
          >
            <Input data-testid="installation-name" maxLength={80} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
