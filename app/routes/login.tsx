import { redirect } from '@remix-run/node';
import { Form, useActionData, useNavigation, useRouteLoaderData, useSearchParams } from '@remix-run/react';
import { Alert, Button, Card, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { withPermission } from '../modules/auth/guard.server';
import { attemptLogin } from '../modules/auth/login.server';
import { homePath } from '../modules/auth/permissions';
import { clientIp, createSession, destroySession } from '../modules/auth/session.server';
import type { loader as rootLoader } from '../root';
import { readForm } from '../utils/forms';

const LoginForm = z.object({
  login: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(500),
  redirectTo: z.string().optional(),
});

/** Only same-site paths: an open redirect would let a phishing link borrow our login page. */
function safeRedirect(to: string | undefined, fallback: string): string {
  return to?.startsWith('/') && !to.startsWith('//') ? to : fallback;
}

export const loader = withPermission('public', ({ user }) => (user ? redirect(homePath(user.role)) : null));

export const action = withPermission('public', async ({ request }) => {
  const parsed = LoginForm.safeParse(await readForm(request));
  if (!parsed.success) return { error: 'required' as const, retryAfterSeconds: 0 };
  const result = await attemptLogin({ login: parsed.data.login, password: parsed.data.password, ip: clientIp(request) });
  if (!result.ok) {
    return {
      error: result.reason,
      retryAfterSeconds: result.reason === 'throttled' ? result.retryAfterSeconds : 0,
    };
  }
  // A fresh session id at every sign-in, and whatever session the browser brought is ended
  // (session fixation: a planted or left-over cookie never becomes the signed-in one).
  await destroySession(request);
  const cookie = await createSession(request, result.userId);
  return redirect(safeRedirect(parsed.data.redirectTo, '/'), { headers: { 'Set-Cookie': cookie } });
});

export default function LoginPage() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const language = useRouteLoaderData<typeof rootLoader>('root')?.language ?? 'zh-CN';
  const message =
    data?.error === 'throttled'
      ? t('login.throttled', { minutes: Math.ceil(data.retryAfterSeconds / 60) })
      : data?.error
        ? t(`login.${data.error}`)
        : null;
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
            <LanguageSwitch language={language} />
          </div>
          <Space align="center">
            <img src="/favicon.svg" alt="" width={36} height={36} />
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('login.title')}
            </Typography.Title>
          </Space>
          {message ? <Alert type="error" showIcon message={message} role="alert" data-testid="login-error" /> : null}
          <Form method="post">
            <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
            <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
              <label htmlFor="login">{t('login.login')}</label>
              <Input id="login" name="login" autoComplete="username" autoFocus required maxLength={100} />
              <label htmlFor="password">{t('login.password')}</label>
              <Input.Password id="password" name="password" autoComplete="current-password" required maxLength={500} />
              <Button type="primary" htmlType="submit" block loading={navigation.state === 'submitting'}>
                {t('login.submit')}
              </Button>
            </Space>
          </Form>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('login.demoHint')}
          </Typography.Text>
        </Space>
      </Card>
    </div>
  );
}
