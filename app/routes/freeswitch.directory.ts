import { withPermission } from '../modules/auth/guard.server';
import { directoryLookup, presentedKey } from '../modules/workstation/verto-credentials.server';

// FreeSWITCH's mod_xml_curl asks here for directory users (agents' Verto logins). No browser
// session: the shared directory key authenticates the switch (docs/workstation.md).
export const action = withPermission('public', async ({ request }) => {
  const form = await request.formData().catch(() => null);
  const fields: Record<string, string> = {};
  for (const [k, v] of form?.entries() ?? []) if (typeof v === 'string') fields[k] = v;
  const answer = await directoryLookup(fields, presentedKey(request, fields));
  const type = answer.status === 200 ? 'text/xml; charset=utf-8' : 'text/plain; charset=utf-8';
  return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': type, 'Cache-Control': 'no-store' } });
});
