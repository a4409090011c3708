import { createHash, randomBytes } from 'node:crypto';
import { prisma } from '../../db/prisma.server';
import { callHook } from '../../plugins/installations.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { revealPhone } from '../lists/phone-vault.server';
import { type RunnerState, runnerState, startResponse } from './runner.server';

// The online channel: a personal link per contact and questionnaire version. The token is random,
// only its hash is stored, it expires, and a newer link for the same contact and version revokes
// the older one. The public page sees the questionnaire and nothing else about the contact.

export const DEFAULT_LINK_HOURS = 72;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class LinkError extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

export async function createSurveyLink(
  actor: AuditActor,
  input: { contactId: bigint; versionId: string; language?: string; hours?: number; taskId?: string | null },
) {
  const version = await prisma.questionnaireVersion.findUnique({
    where: { id: input.versionId },
    include: { questionnaire: true },
  });
  const contact = await prisma.contact.findUnique({ where: { id: input.contactId } });
  if (!version || !contact || contact.deletedAt) throw new LinkError('link.notFound');
  if (contact.projectId !== version.questionnaire.projectId) throw new LinkError('link.otherProject');
  const token = randomBytes(24).toString('base64url');
  const hours = Math.min(Math.max(input.hours ?? DEFAULT_LINK_HOURS, 1), 24 * 30);
  const link = await prisma.$transaction(async (tx) => {
    await tx.surveyLink.updateMany({
      where: { contactId: contact.id, versionId: version.id, revokedAt: null, completedAt: null },
      data: { revokedAt: new Date() },
    });
    return tx.surveyLink.create({
      data: {
        tokenHash: hash(token),
        projectId: contact.projectId,
        contactId: contact.id,
        versionId: version.id,
        language: input.language === 'en' ? 'en' : 'zh-CN',
        expiresAt: new Date(Date.now() + hours * 3600_000),
        taskId: input.taskId ?? null,
        createdById: actor.id ?? null,
      },
    });
  });
  await audit(actor, 'surveyLink.create', link.id, { contactId: String(contact.id), versionId: version.id, hours });
  return { link, token, path: `/s/${token}` };
}

/** Creates a link and sends it through a notify plugin installation to the contact's phone. */
export async function sendSurveyLink(
  actor: AuditActor,
  input: {
    contactId: bigint;
    versionId: string;
    installationId: string;
    baseUrl: string;
    language?: string;
    taskId?: string | null;
    hours?: number;
    /** The task's message, with {name}, {link} and {title}. */
    template?: string;
  },
) {
  const contact = await prisma.contact.findUnique({ where: { id: input.contactId } });
  if (!contact?.phoneCipher) throw new LinkError('link.noNumber');
  if (contact.dnc) throw new LinkError('link.doNotContact');
  const created = await createSurveyLink(actor, input);
  const version = await prisma.questionnaireVersion.findUniqueOrThrow({
    where: { id: input.versionId },
    include: { questionnaire: true },
  });
  const url = new URL(created.path, input.baseUrl).toString();
  const text = input.template
    ? input.template
        .replaceAll('{name}', contact.name)
        .replaceAll('{link}', url)
        .replaceAll('{title}', version.questionnaire.name)
    : created.link.language === 'en'
      ? `${contact.name}, please take a moment to answer "${version.questionnaire.name}": ${url}`
      : `${contact.name}您好，请花一分钟填写《${version.questionnaire.name}》：${url}`;
  const outcome = await callHook(input.installationId, 'send', [{ to: revealPhone(contact.phoneCipher), text, link: url }], {
    idempotencyKey: `survey-link:${created.link.id}`,
  });
  if (!outcome.ok) throw new LinkError('link.sendFailed');
  await prisma.surveyLink.update({ where: { id: created.link.id }, data: { sentVia: input.installationId, sentAt: new Date() } });
  await audit(actor, 'surveyLink.send', created.link.id, { installationId: input.installationId });
  return created;
}

export type LinkStatus = 'ok' | 'unknown' | 'expired' | 'revoked' | 'completed';

/** What the public page may know about a link: its state, the questionnaire's title and the runner. */
export async function openSurveyLink(
  token: string,
  language?: string,
): Promise<{ status: LinkStatus; title?: string; state?: RunnerState; language?: string }> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return { status: 'unknown' };
  const link = await prisma.surveyLink.findUnique({ where: { tokenHash: hash(token) } });
  if (!link) return { status: 'unknown' };
  const version = await prisma.questionnaireVersion.findUniqueOrThrow({
    where: { id: link.versionId },
    include: { questionnaire: true },
  });
  const lang = language ?? link.language;
  const title = version.questionnaire.name;
  if (link.completedAt) return { status: 'completed', title, language: lang };
  if (link.revokedAt) return { status: 'revoked', title, language: lang };
  if (link.expiresAt < new Date()) return { status: 'expired', title, language: lang };
  let responseId = link.responseId;
  if (!responseId) {
    responseId = await startResponse({
      versionId: link.versionId,
      contactId: link.contactId,
      channel: 'online',
      taskId: link.taskId,
    });
    await prisma.surveyLink.update({ where: { id: link.id }, data: { responseId, openedAt: link.openedAt ?? new Date() } });
  }
  return { status: 'ok', title, state: await runnerState(responseId, lang), language: lang };
}

/** The link's response, for answering, only while the link is usable. */
export async function linkResponse(token: string): Promise<{ id: string; responseId: string; language: string }> {
  const link = /^[A-Za-z0-9_-]{20,64}$/.test(token)
    ? await prisma.surveyLink.findUnique({ where: { tokenHash: hash(token) } })
    : null;
  if (!link?.responseId) throw new LinkError('link.unknown');
  if (link.completedAt) throw new LinkError('link.completed');
  if (link.revokedAt) throw new LinkError('link.revoked');
  if (link.expiresAt < new Date()) throw new LinkError('link.expired');
  return { id: link.id, responseId: link.responseId, language: link.language };
}

/** Marks the link used once its questionnaire reached an end. */
export async function closeLinkIfDone(linkId: string, state: RunnerState) {
  if (state.status === 'completed') await prisma.surveyLink.update({ where: { id: linkId }, data: { completedAt: new Date() } });
}
