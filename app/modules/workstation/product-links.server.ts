import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { callHook, enabledInstallations } from '../../plugins/installations.server';
import { listPlugins } from '../../plugins/registry.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { revealPhone } from '../lists/phone-vault.server';

// "Send link": the agent sends the customer a product's link during (or right after) the call,
// through the first enabled notify plugin. The number is revealed on the server for the plugin
// only; the send is recorded on the attempt (shown to the agent, delivered with the write-back).

export type LinkResult = { ok: true; sentAt: string } | { ok: false; error: string };

export async function sendProductLink(
  actor: AuditActor & { id: string },
  attemptId: string,
  productId: string,
): Promise<LinkResult> {
  const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId } });
  if (!attempt || (attempt.agentId !== actor.id && attempt.requestedBy !== actor.id))
    return { ok: false, error: 'workstation.notYourCall' };
  const product = await prisma.product.findFirst({ where: { id: productId, projectId: attempt.projectId, active: true } });
  if (!product?.link) return { ok: false, error: 'workstation.productNoLink' };
  const contact = await prisma.contact.findUnique({ where: { id: attempt.contactId } });
  const cipher = attempt.phoneSlot === 'secondary' ? contact?.secondaryPhoneCipher : contact?.phoneCipher;
  if (!contact || !cipher) return { ok: false, error: 'workstation.noNumberForLink' };
  const notifyIds = new Set(
    listPlugins()
      .filter((p) => p.manifest.kind === 'notify')
      .map((p) => p.manifest.id),
  );
  const installation = (await enabledInstallations()).find((i) => notifyIds.has(i.pluginId));
  if (!installation) return { ok: false, error: 'workstation.noNotifyPlugin' };
  const outcome = await callHook(installation.id, 'send', [
    { to: revealPhone(cipher), text: `${contact.name}，您好：${product.name} ${product.link}`, link: product.link },
  ]);
  if (!outcome.ok) return { ok: false, error: 'workstation.linkFailed' };
  const sentAt = new Date().toISOString();
  const messageId = (outcome.value as { id?: unknown } | undefined)?.id;
  const sent = [
    ...((attempt.linksSent as unknown[]) ?? []),
    {
      productId,
      productCode: product.code,
      at: sentAt,
      to: contact.phoneMasked,
      messageId: messageId ? String(messageId) : null,
    },
  ];
  await prisma.callAttempt.update({ where: { id: attemptId }, data: { linksSent: sent as Prisma.InputJsonValue } });
  await audit(actor, 'workstation.sendLink', `attempt:${attemptId}`, { productId, to: contact.phoneMasked });
  return { ok: true, sentAt };
}
