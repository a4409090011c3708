import { useFetcher, useLoaderData } from '@remix-run/react';
import { App, Button, Card, Col, Form, Input, Row, Select, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { PasswordSchema } from '../modules/auth/password.server';
import { clientIp } from '../modules/auth/session.server';
import { LOCALES, PreferencesSchema } from '../modules/users/user-schema';
import { changeOwnPassword, savePreferences, UserRuleError } from '../modules/users/users.server';
import { COMMON_TIME_ZONES } from '../utils/format';
import { fieldErrors } from '../utils/forms';

export const loader = withPermission('account.self', ({ user }) => ({
  login: user.login,
  locale: user.locale,
  timeZone: user.timeZone,
}));

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('preferences'), values: PreferencesSchema }),
  z.object({ intent: z.literal('password'), values: z.object({ current: z.string().min(1).max(500), next: PasswordSchema }) }),
]);

export const action = withPermission('account.self', async ({ request, user }) => {
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, errors: fieldErrors(parsed.error) };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  if (parsed.data.intent === 'preferences') {
    await savePreferences(actor, parsed.data.values);
    return { ok: true as const, intent: 'preferences' };
  }
  try {
    await changeOwnPassword(actor, user.sessionId, parsed.data.values.current, parsed.data.values.next);
    return { ok: true as const, intent: 'password' };
  } catch (error) {
    if (error instanceof UserRuleError) return { ok: false as const, errors: { 'values.current': error.code } };
    throw error;
  }
});

export default function AccountPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const prefs = useFetcher<typeof action>();
  const password = useFetcher<typeof action>();
  const [passwordForm] = Form.useForm();

  useEffect(() => {
    if (prefs.state === 'idle' && prefs.data?.ok) void message.success(t('account.saved'));
  }, [prefs.state, prefs.data, message, t]);
  useEffect(() => {
    if (password.state !== 'idle' || !password.data) return;
    if (password.data.ok) {
      void message.success(t('account.passwordChanged'));
      passwordForm.resetFields();
    } else {
      passwordForm.setFields(
        Object.entries(password.data.errors).map(([field, key]) => ({
          name: field.replace('values.', ''),
          errors: [t(`validation.${key}`)],
        })),
      );
    }
  }, [password.state, password.data, passwordForm, message, t]);

  return (
    <>
      <Typography.Title level={3}>
        {t('account.title')} · {data.login}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('account.preferences')}>
            <Form
              layout="vertical"
              initialValues={{ locale: data.locale ?? 'zh-CN', timeZone: data.timeZone }}
              onFinish={(values) =>
                prefs.submit({ intent: 'preferences', values }, { method: 'post', encType: 'application/json' })
              }
            >
              <Form.Item name="locale" label={t('users.locale')}>
                <Select options={LOCALES.map((l) => ({ value: l, label: l === 'en' ? 'English' : '简体中文' }))} />
              </Form.Item>
              <Form.Item name="timeZone" label={t('users.timeZone')}>
                <Select showSearch options={COMMON_TIME_ZONES.map((z) => ({ value: z, label: z }))} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={prefs.state !== 'idle'}>
                {t('common.save')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('account.changePassword')}>
            <Form
              form={passwordForm}
              layout="vertical"
              onFinish={(values: { current: string; next: string }) =>
                password.submit(
                  { intent: 'password', values: { current: values.current, next: values.next } },
                  { method: 'post', encType: 'application/json' },
                )
              }
            >
              <Form.Item
                name="current"
                label={t('account.currentPassword')}
                rules={[{ required: true, message: t('login.required') }]}
              >
                <Input.Password autoComplete="current-password" />
              </Form.Item>
              <Form.Item
                name="next"
                label={t('account.newPassword')}
                rules={[{ required: true, min: 10, message: t('validation.password.tooShort') }]}
              >
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Form.Item
                name="confirm"
                label={t('account.confirmPassword')}
                dependencies={['next']}
                rules={[
                  { required: true, message: t('account.mismatch') },
                  ({ getFieldValue }) => ({
                    validator: (_, value) =>
                      value === getFieldValue('next') ? Promise.resolve() : Promise.reject(new Error(t('account.mismatch'))),
                  }),
                ]}
              >
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={password.state !== 'idle'}>
                {t('account.changePassword')}
              </Button>
            </Form>
          </Card>
        </Col>
      </Row>
    </>
  );
}
