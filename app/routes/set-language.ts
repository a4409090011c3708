import { redirect } from '@remix-run/node';
import { languageCookie } from '../i18n/detect.server';
import { isLanguage } from '../i18n/i18n';
import { withPermission } from '../modules/auth/guard.server';
import { setLanguage } from '../modules/users/users.server';
import { readForm } from '../utils/forms';

// Anyone may switch language; a signed-in user's choice is remembered on the account.
export const action = withPermission('public', async ({ request, user }) => {
  const { language } = await readForm(request);
  if (!isLanguage(language)) return Response.json({ error: 'validation.invalid' }, { status: 400 });
  if (user) await setLanguage(user.id, language);
  return Response.json({ ok: true }, { headers: { 'Set-Cookie': await languageCookie.serialize(language) } });
});

export const loader = withPermission('public', () => redirect('/'));
