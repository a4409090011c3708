import { prisma } from '../../db/prisma.server';
import { logger } from '../../utils/logger.server';
import { isCallable } from '../projects/calling-hours';
import { eligibleContacts, runningTasks } from '../tasks/dispatch.server';
import { LinkError, sendSurveyLink } from './survey-links.server';

// The online channel's tasks: every minute, contacts of a running online task who have no link
// for its questionnaire version yet get one through the task's notify plugin — within the project's
// contact hours in the contact's zone, never to a do-not-call contact, with consent where required.

const PER_RUN = 200;

export async function sendOnlineTaskLinks(baseUrl: string, now = new Date()): Promise<{ sent: number; failed: number }> {
  const log = logger.child({ module: 'online-tasks' });
  let sent = 0;
  let failed = 0;
  for (const task of (await runningTasks(now)).filter((t) => t.channel === 'online')) {
    const online = task.online;
    if (!online?.notifyInstallationId || !task.questionnaireVersionId || !task.rules) continue;
    for (const c of await eligibleContacts(task.id, { limit: PER_RUN, now })) {
      const has = await prisma.surveyLink.count({ where: { contactId: c.contactId, versionId: task.questionnaireVersionId } });
      if (has) continue;
      if (!isCallable(now, c.timeZone, task.rules.callingHours)) continue;
      if (task.rules.requireConsent) {
        const consent = await prisma.contact.findUnique({ where: { id: c.contactId }, select: { consentStatus: true } });
        if (consent?.consentStatus !== 'granted') continue;
      }
      try {
        await sendSurveyLink(
          { name: 'system' },
          {
            contactId: c.contactId,
            versionId: task.questionnaireVersionId,
            installationId: online.notifyInstallationId,
            baseUrl,
            taskId: task.id,
            hours: online.linkValidDays * 24,
            template: online.template,
          },
        );
        sent++;
      } catch (error) {
        failed++;
        if (!(error instanceof LinkError)) throw error;
        log.warn({ taskId: task.id, contactId: String(c.contactId), reason: error.key }, 'survey link not sent');
      }
    }
  }
  return { sent, failed };
}
