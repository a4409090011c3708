import { startFakeCrm } from '../plugins/webhook-crm/fake-crm';

// The business system the end-to-end run writes back to: webhook-crm's contract on 127.0.0.1,
// HMAC-verified, storing each result once per Idempotency-Key. The demo seed points the insurance
// and sales projects at it (WAIHU_DEMO_CRM_URL); tests read what arrived at GET /_received.
const port = Number(process.env.E2E_CRM_PORT ?? 3312);
const secret = process.env.WAIHU_DEMO_CRM_SECRET ?? 'e2e-crm-secret-0123456789';
const crm = await startFakeCrm(secret, {}, port);
process.stdout.write(`test CRM on ${crm.url}\n`);
process.on('SIGTERM', () => void crm.close().then(() => process.exit(0)));
process.on('SIGINT', () => void crm.close().then(() => process.exit(0)));
