import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import type { PauseReason } from '../modules/workstation/pause-reasons';
import { pauseReasons, savePauseReasons } from '../modules/workstation/workstation.server';

// 配置 → 小休原因: the reasons agents pick when they pause, with an optional time limit each.
export const loader = withPermission('tasks.manage', async () => ({ reasons: await pauseReasons() }));

export const action = withPermission('tasks.manage', async ({ request, user }) => {
  const body = (await request.json().catch(() => null)) as { reasons?: unknown } | null;
  return savePauseReasons({ id: user.id, name: user.login, ip: clientIp(request) }, body?.reasons);
});

export default function PauseReasonsPage() {
  const { reasons } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fetcher = useFetcher<typeof action>();
  const [form] = Form.useForm<{ reasons: PauseReason[] }>();
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) message.success(t('workstation.pauseReasons.saved'));
  }, [fetcher.state, fetcher.data, message, t]);
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : [];
  const problem = (i: number, field: string) => errors.find((e) => e.path === `${i}.${field}`);
  return (
    <Card title={t('workstation.pauseReasons.title')}>
      <Typography.Paragraph type="secondary">{t('workstation.pauseReasons.help')}</Typography.Paragraph>
      <Form
        form={form}
        initialValues={{ reasons }}
        onFinish={(v) => fetcher.submit(JSON.parse(JSON.stringify(v)), { method: 'post', encType: 'application/json' })}
      >
        <Form.List name="reasons">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {fields.map((field, i) => (
                <Space key={field.key} align="start" wrap>
                  <Form.Item
                    name={[field.name, 'code']}
                    rules={[{ required: true }]}
                    validateStatus={problem(i, 'code') ? 'error' : undefined}
                    help={problem(i, 'code') ? t('workstation.pauseReasons.duplicate') : undefined}
                  >
                    <Input placeholder={t('workstation.pauseReasons.code')} style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'label', 'zh']} rules={[{ required: true }]}>
                    <Input placeholder={t('workstation.pauseReasons.zh')} style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'label', 'en']} rules={[{ required: true }]}>
                    <Input placeholder={t('workstation.pauseReasons.en')} style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'limitMinutes']} tooltip={t('workstation.pauseReasons.limit')}>
                    <InputNumber min={0} max={480} placeholder={t('workstation.pauseReasons.limit')} />
                  </Form.Item>
                  <Button onClick={() => remove(field.name)} disabled={fields.length <= 1}>
                    ×
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({ code: '', label: { zh: '', en: '' }, limitMinutes: 0 })}>
                {t('workstation.pauseReasons.add')}
              </Button>
            </Space>
          )}
        </Form.List>
        {errors.length && !errors.some((e) => /^\d+\.code$/.test(e.path)) ? (
          <Alert
            type="error"
            showIcon
            style={{ margin: '12px 0' }}
            message={errors.map((e) => `${e.path}: ${t(e.message, { defaultValue: e.message })}`).join('；')}
          />
        ) : null}
        <Button type="primary" htmlType="submit" loading={fetcher.state !== 'idle'} style={{ marginTop: 12 }}>
          {t('workstation.pauseReasons.save')}
        </Button>
      </Form>
    </Card>
  );
}
