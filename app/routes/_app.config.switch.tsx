import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Radio,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { AMD_MODES, type SwitchForm } from '../modules/telephony-settings/switch-settings';
import {
  runningDialers,
  saveSwitchSettings,
  switchView,
  testSwitchConnection,
} from '../modules/telephony-settings/switch-settings.server';
import { formatDateTime } from '../utils/format';

// 配置 → 交换机: the embedded simulator or FreeSWITCH, and how Waihu reaches it (docs/freeswitch.md).
export const loader = withPermission('plugins.manage', async ({ user }) => ({
  settings: await switchView(),
  dialers: await runningDialers(),
  timeZone: user.timeZone,
}));

export const action = withPermission('plugins.manage', async ({ request, user }) => {
  const body = (await request.json().catch(() => null)) as ({ intent?: string } & Record<string, unknown>) | null;
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  if (body?.intent === 'test') return { intent: 'test' as const, ...(await testSwitchConnection(actor, body)) };
  return { intent: 'save' as const, ...(await saveSwitchSettings(actor, body)) };
});

const TTS_ENGINES = ['flite', 'tts_commandline', 'unimrcp', 'cepstral'].map((value) => ({ value }));

export default function SwitchSettingsPage() {
  const { settings, dialers, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const save = useFetcher<typeof action>();
  const test = useFetcher<typeof action>();
  const [form] = Form.useForm<SwitchForm>();
  const kind = Form.useWatch('kind', form) ?? settings.kind;

  const saved = save.state === 'idle' ? save.data : undefined;
  useEffect(() => {
    if (saved?.ok) {
      message.success(t('telephony.saved'));
      form.setFieldsValue({ eslPassword: '' });
    }
  }, [saved, message, t, form]);
  const errors: Record<string, string> = {
    ...(saved && !saved.ok ? saved.errors : {}),
    ...(test.state === 'idle' && test.data && !test.data.ok ? test.data.errors : {}),
  };
  const field = (name: keyof SwitchForm | 'eslPassword') =>
    errors[name]
      ? { validateStatus: 'error' as const, help: <span data-testid={`error-${name}`}>{t(errors[name] as string)}</span> }
      : {};
  const tested = test.state === 'idle' && test.data?.ok && 'result' in test.data ? test.data.result : undefined;
  /** An empty password box: secrets are never sent to the browser; empty on save keeps the stored one. */
  const secretBox = (testId: string, stored: boolean, width: number) => (
    <Input.Password
      data-testid={testId}
      autoComplete="new-password"
      style={{ width }}
      placeholder={stored ? t('telephony.secretKeep') : t('telephony.secretEnter')}
    />
  );
  const values = () => JSON.parse(JSON.stringify(form.getFieldsValue(true))) as Record<string, unknown>;

  return (
    <Card title={t('telephony.title')}>
      <Typography.Paragraph type="secondary">{t('telephony.help')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ ...settings, eslPassword: '' }}
        onFinish={() => save.submit({ intent: 'save', ...values() } as never, { method: 'post', encType: 'application/json' })}
        style={{ maxWidth: 720 }}
      >
        <Form.Item name="kind" label={t('telephony.kind')} {...field('kind')}>
          <Radio.Group data-testid="switch-kind">
            <Radio value="sim" data-testid="kind-sim">
              {t('telephony.kinds.sim')}
            </Radio>
            <Radio value="freeswitch" data-testid="kind-freeswitch">
              {t('telephony.kinds.freeswitch')}
            </Radio>
          </Radio.Group>
        </Form.Item>
        {kind === 'freeswitch' ? (
          <>
            <Typography.Title level={5}>{t('telephony.esl')}</Typography.Title>
            <Space align="start" wrap>
              <Form.Item name="eslHost" label={t('telephony.eslHost')} {...field('eslHost')}>
                <Input data-testid="esl-host" style={{ width: 260 }} placeholder="10.0.0.5" />
              </Form.Item>
              <Form.Item name="eslPort" label={t('telephony.eslPort')} {...field('eslPort')}>
                <InputNumber data-testid="esl-port" style={{ width: 120 }} />
              </Form.Item>
              <Form.Item
                name="eslPassword"
                label={t('telephony.eslPassword')}
                extra={
                  settings.eslPasswordStored ? <span data-testid="esl-password-stored">{t('telephony.secretStored')}</span> : null
                }
                {...field('eslPassword')}
              >
                {secretBox('esl-password', settings.eslPasswordStored, 260)}
              </Form.Item>
            </Space>
            <Space style={{ marginBottom: 16 }} wrap>
              <Button
                data-testid="test-connection"
                loading={test.state !== 'idle'}
                onClick={() =>
                  test.submit({ intent: 'test', ...values() } as never, { method: 'post', encType: 'application/json' })
                }
              >
                {t('telephony.test')}
              </Button>
            </Space>
            {tested ? (
              <Alert
                data-testid="test-result"
                style={{ marginBottom: 16 }}
                type={tested.ok ? 'success' : 'error'}
                showIcon
                message={tested.ok ? t('telephony.testOk', { version: tested.version ?? '?' }) : t('telephony.testFailed')}
                description={
                  tested.ok ? (
                    tested.gateways?.length ? (
                      <Table
                        size="small"
                        pagination={false}
                        rowKey="name"
                        dataSource={tested.gateways}
                        columns={[
                          { title: t('telephony.gateway'), dataIndex: 'name' },
                          {
                            title: t('telephony.gatewayState'),
                            dataIndex: 'state',
                            render: (s: string) => <Tag color={s === 'REGED' || s === 'NOREG' ? 'green' : 'red'}>{s}</Tag>,
                          },
                        ]}
                      />
                    ) : (
                      t('telephony.noGateways')
                    )
                  ) : (
                    tested.error
                  )
                }
              />
            ) : null}
            <Typography.Title level={5}>{t('telephony.verto')}</Typography.Title>
            <Form.Item name="vertoUrl" label={t('telephony.vertoUrl')} extra={t('telephony.vertoUrlHelp')} {...field('vertoUrl')}>
              <Input data-testid="verto-url" placeholder="wss://fs.example.com:8082" />
            </Form.Item>
            <Form.Item name="vertoDomain" label={t('telephony.vertoDomain')} {...field('vertoDomain')}>
              <Input data-testid="verto-domain" style={{ width: 320 }} placeholder="fs.example.com" />
            </Form.Item>
            <Typography.Paragraph type="secondary">
              {t('telephony.directoryKeyHelp')} <Link to="/config/softphones">{t('nav.softphones')}</Link>
            </Typography.Paragraph>
            <Typography.Title level={5}>{t('telephony.media')}</Typography.Title>
            <Form.Item name="amd" label={t('telephony.amd')} extra={t('telephony.amdHelp')} {...field('amd')}>
              <Radio.Group>
                {AMD_MODES.map((m) => (
                  <Radio key={m} value={m}>
                    {t(`telephony.amdModes.${m}`)}
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
            <Form.Item
              name="recordingPath"
              label={t('telephony.recordingPath')}
              extra={t('telephony.recordingPathHelp')}
              {...field('recordingPath')}
            >
              <Input data-testid="recording-path" placeholder="/var/lib/freeswitch/recordings/waihu" />
            </Form.Item>
            <Space align="start" wrap>
              <Form.Item name="ttsEngine" label={t('telephony.ttsEngine')} {...field('ttsEngine')}>
                <AutoComplete data-testid="tts-engine" options={TTS_ENGINES} style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name="ttsVoice" label={t('telephony.ttsVoice')} {...field('ttsVoice')}>
                <Input data-testid="tts-voice" style={{ width: 200 }} />
              </Form.Item>
            </Space>
          </>
        ) : null}
        {saved && !saved.ok && errors._form ? (
          <Alert type="error" showIcon message={t(errors._form)} style={{ marginBottom: 16 }} />
        ) : null}
        <Button type="primary" htmlType="submit" data-testid="save-switch" loading={save.state !== 'idle'}>
          {t('common.save')}
        </Button>
      </Form>
      <Alert
        style={{ marginTop: 24 }}
        type="info"
        showIcon
        message={t('telephony.restartNote')}
        description={
          dialers.length ? (
            <Descriptions size="small" column={1} data-testid="running-dialers">
              {dialers.map((d, i) => (
                <Descriptions.Item key={d.pid} label={t('telephony.dialerStarted', { n: i + 1 })}>
                  {formatDateTime(d.startedAt, timeZone, i18n.language)} · {t('telephony.dialerTasks', { count: d.tasks })}
                </Descriptions.Item>
              ))}
            </Descriptions>
          ) : (
            t('telephony.noDialers')
          )
        }
      />
    </Card>
  );
}
