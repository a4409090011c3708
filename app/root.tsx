import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from '@remix-run/react';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { type ReactNode, useMemo } from 'react';
import { I18nextProvider } from 'react-i18next';
import { ErrorPage } from './components/ErrorPage';
import { detectLanguage } from './i18n/detect.server';
import { createI18n, DEFAULT_LANGUAGE } from './i18n/i18n';
import { withPermission } from './modules/auth/guard.server';

export const loader = withPermission('public', async ({ request, user }) => ({
  language: await detectLanguage(request, user?.locale),
}));

const THEME = { token: { colorPrimary: '#1f6feb', borderRadius: 6 } };

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const language = data?.language ?? DEFAULT_LANGUAGE;
  const i18n = useMemo(() => createI18n(language), [language]);
  dayjs.locale(language === 'en' ? 'en' : 'zh-cn');
  return (
    <html lang={language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <title>{i18n.t('app.name')}</title>
        <Meta />
        <Links />
      </head>
      <body style={{ margin: 0 }}>
        <I18nextProvider i18n={i18n}>
          <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={THEME}>
            <AntApp>{children}</AntApp>
          </ConfigProvider>
        </I18nextProvider>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
