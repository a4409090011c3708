import type { AppliedRecord } from '../../app/modules/dialing/invariants.server';
import { startFakeCrm } from '../../plugins/webhook-crm/fake-crm';

// The business system of the chaos run: webhook-crm's test CRM on 127.0.0.1 (HMAC-verified, one
// stored record per Idempotency-Key), living in the harness so that it outlives every kill.

export const CRM_SECRET = 'chaos-crm-secret-0123456789';

export async function startChaosCrm() {
  const crm = await startFakeCrm(CRM_SECRET);
  return {
    url: crm.url,
    /** Records the CRM applied (a key it had already stored is answered, not applied again). */
    applied(): AppliedRecord[] {
      return [...crm.results].map(([key, stored]) => ({
        idempotencyKey: key,
        callId: String((stored.body as { callId?: unknown }).callId ?? ''),
        kind: key.includes(':lead:') ? 'lead' : 'result',
      }));
    },
    /** The next record is stored but its reply lost (the socket closed): the sender must try again. */
    loseNextReply: () => crm.dropRepliesNext(1),
    /** Every /results and /leads request that reached it, repeats included. */
    deliveries: () => crm.requests.filter((r) => r.path === '/results' || r.path === '/leads').length,
    close: () => crm.close(),
  };
}
