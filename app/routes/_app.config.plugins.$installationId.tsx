import { json, redirect } from '@remix-run/node';
import { Link, useFetcher, useLoaderData, useRevalidator } from '@remix-run/react';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { Alert, App, Badge, Button, Card, Descriptions, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { actionError } from '../plugins/action-errors.server';
import {
  deleteInstallation,
  gatewayFiles,
  InstallationError,
  installationView,
  listCalls,
  runHealthCheck,
  saveConfig,
  setEnabled,
} from '../plugins/installations.server';
import { localized } from '../plugins/manifest';
import { ConfigForm, secretUiSchema, toErrorSchema } from '../plugins/ui/config-form';
import { formatDateTime } from '../utils/format';
import { fieldErrors } from '../utils/forms';

async function view(id: string | undefined) {
  try {
    return await installationView(id ?? '');
  } catch (error) {
    if (error instanceof InstallationError && error.code === 'not_found') throw json({ error: 'not_found' }, { status: 404 });
    throw error;
  }
}

export const loader = withPermission('plugins.manage', async ({ params, user }) => {
  const data = await view(params.installationId);
  return { ...data, calls: await listCalls(data.installation.id), timeZone: user.timeZone };
});

const Intent = z.discriminatedUnion('intent', [
  // Passed on untouched (a record schema copies it and silently drops a "__proto__" key, which
  // then cannot be refused): saveConfig checks every key against the plugin's schema.
  z.object({
    intent: z.literal('saveConfig'),
    config: z.custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'must be an object',
    ),
  }),
  z.object({ intent: z.literal('healthCheck') }),
  z.object({ intent: z.literal('setEnabled'), enabled: z.boolean() }),
  z.object({ intent: z.literal('delete') }),
  z.object({ intent: z.literal('gatewayXml') }),
]);

type ActionResult =
  | {
      ok: true;
      intent: string;
      health?: { ok: boolean; message?: string };
      files?: { fileName: string; content: string }[];
    }
  | { ok: false; errors: Record<string, string> };

export const action = withPermission('plugins.manage', async ({ request, params, user }): Promise<ActionResult | Response> => {
  const { installation } = await view(params.installationId);
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  const input = parsed.data;
  try {
    switch (input.intent) {
      case 'saveConfig':
        await saveConfig(actor, installation.id, input.config);
        return { ok: true, intent: input.intent };
      case 'healthCheck':
        return { ok: true, intent: input.intent, health: await runHealthCheck(actor, installation.id) };
      case 'setEnabled':
        await setEnabled(actor, installation.id, input.enabled);
        return { ok: true, intent: input.intent };
      case 'delete':
        await deleteInstallation(actor, installation.id);
        return redirect('/config/plugins');
      case 'gatewayXml':
        return { ok: true, intent: input.intent, files: await gatewayFiles(installation.id, { masked: true }) };
    }
  } catch (error) {
    return actionError(error);
  }
});

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type CallRow = Data['calls'][number];

export default function PluginInstallationPage() {
  const data = useLoaderData<typeof loader>();
  const { installation, manifest, calls, timeZone } = data;
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fetcher = useFetcher<typeof action>();
  const revalidator = useRevalidator();
  const result = fetcher.data;
  const pending = fetcher.state !== 'idle' ? (fetcher.json as { intent?: string } | undefined)?.intent : undefined;
  // What the admin submitted, shown until it is saved: a refused save must not wipe the form.
  const [draft, setDraft] = useState<Record<string, unknown> | null>(null);

  useEffect(() => {
    if (fetcher.state !== 'idle' || !result || !('ok' in result)) return;
    if (!result.ok) {
      // The first field error in words too: a field the form does not show (an unknown one) has no other place.
      const [field] = Object.entries(result.errors).filter(([k]) => k !== '_form');
      void message.error(
        result.errors._form ?? (field ? `${t('plugins.configInvalid')} — ${field[0]}: ${field[1]}` : t('plugins.configInvalid')),
      );
      return;
    }
    if (result.intent === 'healthCheck' && result.health) {
      const text = `${result.health.ok ? t('plugins.healthOk') : t('plugins.healthFailed')}${result.health.message ? `: ${result.health.message}` : ''}`;
      if (result.health.ok) void message.success(text);
      else void message.error(text);
    } else if (result.intent !== 'gatewayXml') {
      if (result.intent === 'saveConfig') setDraft(null);
      void message.success(t('plugins.saved'));
    }
  }, [fetcher.state, result, message, t]);

  const uiSchema = useMemo(
    () =>
      secretUiSchema(
        (data.uiSchema ?? {}) as UiSchema,
        data.secretPaths,
        data.secretsSet,
        t('plugins.secretKept'),
        t('plugins.secretEnter'),
      ),
    [data.uiSchema, data.secretPaths, data.secretsSet, t],
  );
  const serverErrors = result && 'ok' in result && !result.ok ? toErrorSchema(result.errors) : undefined;
  const post = (body: Record<string, unknown>) => fetcher.submit(body as never, { method: 'post', encType: 'application/json' });
  const versionChanged = manifest && manifest.version !== installation.pluginVersion;

  return (
    <>
      <Space style={{ marginBottom: 8 }}>
        <Link to="/config/plugins">← {t('plugins.title')}</Link>
      </Space>
      <Typography.Title level={3} data-testid="installation-title">
        {installation.name} <Tag>{manifest ? localized(manifest.name, i18n.language) : installation.pluginId}</Tag>
        <Tag color={installation.enabled ? 'green' : 'default'}>
          {installation.enabled ? t('plugins.enabled') : t('plugins.disabled')}
        </Tag>
      </Typography.Title>
      {data.loadError ? (
        <Alert type="error" showIcon message={t('plugins.loadError')} description={data.loadError} style={{ marginBottom: 16 }} />
      ) : null}
      {versionChanged ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('plugins.versionChanged', { saved: installation.pluginVersion, current: manifest?.version })}
        />
      ) : null}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={t('plugins.kind')}>{manifest ? t(`plugins.kinds.${manifest.kind}`) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('plugins.version')}>{installation.pluginVersion}</Descriptions.Item>
          <Descriptions.Item label={t('plugins.network')}>
            <span data-testid="allowed-origins">
              {data.allowedOrigins.length ? data.allowedOrigins.join(', ') : t('plugins.noNetwork')}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('plugins.health')}>
            {installation.lastHealthOk === null ? (
              <Badge status="default" text={t('plugins.healthUnknown')} />
            ) : (
              <Badge
                data-testid="health-status"
                status={installation.lastHealthOk ? 'success' : 'error'}
                text={`${installation.lastHealthOk ? t('plugins.healthOk') : t('plugins.healthFailed')} · ${installation.lastHealthAt ? formatDateTime(installation.lastHealthAt, timeZone, i18n.language) : ''}`}
              />
            )}
          </Descriptions.Item>
        </Descriptions>
        <Space wrap style={{ marginTop: 12 }}>
          <Space>
            <Typography.Text>{t('plugins.enabled')}</Typography.Text>
            <Switch
              data-testid="enabled-switch"
              checked={installation.enabled}
              loading={pending === 'setEnabled'}
              onChange={(enabled) => post({ intent: 'setEnabled', enabled })}
            />
          </Space>
          <Button data-testid="health-check" loading={pending === 'healthCheck'} onClick={() => post({ intent: 'healthCheck' })}>
            {t('plugins.runHealthCheck')}
          </Button>
          <Popconfirm
            title={t('plugins.uninstallConfirm', { name: installation.name })}
            onConfirm={() => post({ intent: 'delete' })}
          >
            <Button danger>{t('plugins.uninstall')}</Button>
          </Popconfirm>
        </Space>
      </Card>
      <Card title={t('plugins.config')} style={{ marginBottom: 16 }}>
        {data.secretPaths.length ? <Typography.Paragraph type="secondary">{t('plugins.secretHint')}</Typography.Paragraph> : null}
        {data.configSchema ? (
          <div data-testid="config-form">
            <ConfigForm
              key={JSON.stringify([data.config, data.secretsSet])}
              schema={data.configSchema as RJSFSchema}
              uiSchema={uiSchema}
              formData={draft ?? data.config}
              extraErrors={serverErrors}
              disabled={pending === 'saveConfig'}
              submitText={t('common.save')}
              onSubmit={(config) => {
                setDraft(config);
                post({ intent: 'saveConfig', config });
              }}
            />
          </div>
        ) : null}
      </Card>
      {data.hooks.includes('gatewayXml') ? (
        <Card
          title={t('plugins.gatewayXml.title')}
          style={{ marginBottom: 16 }}
          extra={
            <Button
              data-testid="gateway-xml-preview"
              loading={pending === 'gatewayXml'}
              onClick={() => post({ intent: 'gatewayXml' })}
            >
              {t('plugins.gatewayXml.preview')}
            </Button>
          }
        >
          <Typography.Paragraph type="secondary">{t('plugins.gatewayXml.help')}</Typography.Paragraph>
          {result && 'files' in result && result.files
            ? result.files.map((file: { fileName: string; content: string }) => (
                <div key={file.fileName} style={{ marginBottom: 12 }}>
                  <Space>
                    <Typography.Text strong>{file.fileName}</Typography.Text>
                    <a
                      data-testid="gateway-xml-download"
                      href={`/config/plugins/${installation.id}/gateway-xml?file=${encodeURIComponent(file.fileName)}`}
                      download={file.fileName}
                    >
                      {t('plugins.gatewayXml.download')}
                    </a>
                  </Space>
                  <pre data-testid="gateway-xml" style={{ margin: '8px 0 0', whiteSpace: 'pre-wrap', fontSize: 12 }}>
                    {file.content}
                  </pre>
                </div>
              ))
            : null}
          {result && 'files' in result && result.files?.length === 0 ? (
            <Typography.Text type="secondary">{t('plugins.gatewayXml.none')}</Typography.Text>
          ) : null}
        </Card>
      ) : null}
      <Card title={t('plugins.callLog')} extra={<Button onClick={() => revalidator.revalidate()}>{t('common.refresh')}</Button>}>
        <Table<CallRow>
          rowKey="id"
          dataSource={calls}
          size="small"
          data-testid="call-log"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('plugins.noCalls') }}
          expandable={{
            rowExpandable: (row) => row.log.length > 0,
            expandedRowRender: (row) => (
              <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
                {row.log.map((l) => `${l.at} [${l.level}] ${l.message}`).join('\n')}
              </pre>
            ),
          }}
          columns={[
            {
              title: t('plugins.startedAt'),
              dataIndex: 'startedAt',
              render: (at: string) => formatDateTime(at, timeZone, i18n.language),
            },
            { title: t('plugins.hook'), dataIndex: 'hook' },
            { title: t('plugins.duration'), dataIndex: 'durationMs', render: (ms: number) => t('plugins.ms', { ms }) },
            {
              title: t('plugins.result'),
              dataIndex: 'ok',
              render: (ok: boolean) => (
                <Tag color={ok ? 'green' : 'red'}>{ok ? t('plugins.callOk') : t('plugins.callFailed')}</Tag>
              ),
            },
            { title: t('plugins.error'), dataIndex: 'error', render: (e: string | null) => e ?? '' },
          ]}
        />
      </Card>
    </>
  );
}
