import { randomUUID } from 'node:crypto';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { createInstallation, saveConfig, setEnabled } from '../../plugins/installations.server';
import { finishAttempt, markAnswered, markConnected, startDialing } from '../dialing/attempts.server';
import { importFromApi } from '../lists/api-import.server';
import { createProject, getProject } from '../projects/projects.server';

// Test fixture for wrap-ups: a project (optionally with the webhook-crm plugin pointed at a fake
// CRM), an agent, and calls that were connected to that agent and ended.

const actor = { name: 'supervisor' };
let phones = 0;

export async function crmInstallation(baseUrl: string, secret: string) {
  const installation = await createInstallation(actor, 'webhook-crm', `CRM ${baseUrl}`);
  // retries: 0 — the outbox's own retries are what is tested.
  await saveConfig(actor, installation.id, { baseUrl, hmacSecret: secret, retries: 0 });
  await setEnabled(actor, installation.id, true);
  return installation.id;
}

export async function wrapUpProject(options: { type?: 'returnVisit' | 'sales'; crmInstallationId?: string | null } = {}) {
  const project = await createProject(actor, {
    name: `落单 ${randomUUID().slice(0, 6)}`,
    type: options.type ?? 'returnVisit',
    description: '',
  });
  if (options.crmInstallationId) {
    await prisma.project.update({ where: { id: project.id }, data: { crmInstallationId: options.crmInstallationId } });
  }
  const agent = await insertUser('agent');
  return { projectId: project.id, taskId: randomUUID(), agent, actor: { id: agent.id, userId: agent.id, name: agent.login } };
}

/** A new contact and a call to it, connected to the agent and ended (as the dialer leaves it). */
export async function endedCall(fixture: { projectId: string; taskId: string; agent: { id: string } }, at = new Date()) {
  phones++;
  const externalId = `CUST-${randomUUID().slice(0, 8)}`;
  await importFromApi(fixture.projectId, 'k', [
    { externalId, name: `客户${phones}`, phone: `1371234${String(phones).padStart(4, '0')}` },
  ]);
  const contact = await prisma.contact.findFirstOrThrow({ where: { projectId: fixture.projectId, externalId } });
  const project = await getProject(fixture.projectId);
  const attempt = await prisma.callAttempt.create({
    data: {
      taskId: fixture.taskId,
      projectId: fixture.projectId,
      contactId: contact.id,
      rulesVersion: project.rulesVersion,
      mode: 'predictive',
      queuedAt: new Date(at.getTime() - 120_000),
    },
  });
  await startDialing(attempt.id, 'test-dialer', new Date(at.getTime() - 110_000));
  await markAnswered(attempt.id, false, new Date(at.getTime() - 100_000));
  await markConnected(attempt.id, fixture.agent.id, new Date(at.getTime() - 99_000));
  await finishAttempt(attempt.id, { result: 'connected', talkSec: 90 }, new Date(at.getTime() - 9_000));
  return { attemptId: attempt.id, contactId: contact.id, externalId };
}
