import { prisma } from '../../db/prisma.server';
import { env } from '../../env.server';
import { createInstallation, saveConfig, setEnabled } from '../../plugins/installations.server';

// The demo's business system, when one is given (WAIHU_DEMO_CRM_URL, e.g. the end-to-end run's
// test CRM): a webhook-crm installation that the demo projects write back to and create leads in,
// and a webhook-notify installation on the same server for product links.
export async function connectDemoCrm(): Promise<void> {
  const { WAIHU_DEMO_CRM_URL: url, WAIHU_DEMO_CRM_SECRET: secret } = env();
  if (!url || !secret) return;
  const actor = { name: 'seed' };
  const crm = await createInstallation(actor, 'webhook-crm', '演示业务系统 CRM');
  await saveConfig(actor, crm.id, { baseUrl: url, hmacSecret: secret, retries: 0 });
  await setEnabled(actor, crm.id, true);
  const notify = await createInstallation(actor, 'webhook-notify', '演示短信通道');
  await saveConfig(actor, notify.id, { url: `${url.replace(/\/+$/, '')}/notify`, secret });
  await setEnabled(actor, notify.id, true);
  await prisma.project.updateMany({ data: { crmInstallationId: crm.id } });
}
