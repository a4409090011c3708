import { redirect } from '@remix-run/node';
import { audit } from '../modules/audit/audit.server';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp, destroySession } from '../modules/auth/session.server';

export const action = withPermission('public', async ({ request, user }) => {
  if (user) await audit({ id: user.id, name: user.login, ip: clientIp(request) }, 'auth.logout', user.login);
  return redirect('/login', { headers: { 'Set-Cookie': await destroySession(request) } });
});

export const loader = withPermission('public', () => redirect('/'));
