import { withPermission } from '../modules/auth/guard.server';
import { softphoneMode } from '../modules/workstation/switch-setting.server';
import { ExtensionRangeFull, issueVertoCredential } from '../modules/workstation/verto-credentials.server';

// The softphone's sign-in for FreeSWITCH's Verto: a fresh short-lived secret for this agent at
// every (re)connect; the one issued before stops working.
export const action = withPermission('workstation.use', async ({ user }) => {
  const mode = await softphoneMode();
  if (mode.kind !== 'verto') return Response.json({ ok: false as const, error: 'workstation.verto.notConfigured' });
  try {
    const credential = await issueVertoCredential(user.id, mode.domain);
    return Response.json({ ok: true as const, url: mode.url, ...credential }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    if (error instanceof ExtensionRangeFull) return Response.json({ ok: false as const, error: 'workstation.verto.rangeFull' });
    throw error;
  }
});
