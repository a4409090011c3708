import { Outlet, useLoaderData, useRouteLoaderData } from '@remix-run/react';
import { AppShell } from '../components/AppShell';
import { ErrorPage } from '../components/ErrorPage';
import { navigationFor } from '../components/navigation';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import type { loader as rootLoader } from '../root';

export const loader = withPermission('signedIn', ({ user }) => ({
  user: { displayName: user.displayName, role: user.role, timeZone: user.timeZone },
  navigation: navigationFor(user.role),
  bell: can(user.role, 'monitoring.view'),
}));

function Shell({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('routes/_app');
  const root = useRouteLoaderData<typeof rootLoader>('root');
  if (!data) return <>{children}</>;
  return (
    <AppShell navigation={data.navigation} user={data.user} language={root?.language ?? 'zh-CN'} bell={data.bell}>
      {children}
    </AppShell>
  );
}

export default function AppLayout() {
  useLoaderData<typeof loader>();
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

// A child page's 403/404 renders inside the shell, so the navigation stays usable.
export function ErrorBoundary() {
  return (
    <Shell>
      <ErrorPage />
    </Shell>
  );
}
