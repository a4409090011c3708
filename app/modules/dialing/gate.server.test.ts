import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { importFromApi } from '../lists/api-import.server';
import { addToDnc } from '../lists/dnc.server';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { createProject, getProject } from '../projects/projects.server';
import { finishAttempt, markAnswered, markConnected, startDialing } from './attempts.server';
import { admit, type DialTask } from './gate.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 11).toString('base64');
const actor = { name: 'supervisor' };
// Wednesday 2026-11-25 10:00 in Shanghai.
const IN_HOURS = new Date('2026-11-25T02:00:00Z');
let task: DialTask;
const ids: Record<string, bigint> = {};

beforeAll(async () => {
  const fields = [...FIXED_FIELDS, customField('age', 'number')];
  const project = await createProject(actor, { name: '外呼合规', type: 'returnVisit', description: '', fields });
  await importFromApi(project.id, 'k', [
    { name: '甲', phone: '13911113301', age: 70 },
    { name: '乙', phone: '13911113302', age: 70 },
    { name: '丙', phone: '13911113303', age: 30 },
    { name: '丁', phone: '13911113304', age: 70, timeZone: 'America/New_York' },
    { name: '戊', phone: '13911113305', age: 70 },
    { name: '己', phone: '13911113306', age: 70 },
  ]);
  for (const c of await prisma.contact.findMany({ where: { projectId: project.id } })) ids[c.name] = c.id;
  const full = await getProject(project.id);
  task = {
    id: randomUUID(),
    projectId: project.id,
    rulesVersion: full.rulesVersion,
    rules: full.rules,
    running: true,
    selection: { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 60 }] },
  };
});

const refusals = async (name: string) =>
  (await prisma.dialRefusal.findMany({ where: { contactId: ids[name] }, orderBy: { at: 'asc' } })).map((r) => r.reason);

describe('the compliance gate on the database', () => {
  it('admits a contact once: a second launch while the first is in flight is refused by the database', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => admit(task, ids.甲 as bigint, 'predictive', IN_HOURS)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'activeAttempt')).toBe(true);
    expect(await prisma.callAttempt.count({ where: { contactId: ids.甲 } })).toBe(1);
    expect(await refusals('甲')).toEqual(Array(5).fill('activeAttempt'));
  });

  it('a dial job delivered twice dials once', async () => {
    const admitted = await admit(task, ids.乙 as bigint, 'predictive', IN_HOURS);
    if (!admitted.ok) throw new Error('not admitted');
    const deliveries = await Promise.all([startDialing(admitted.attemptId, 'd1'), startDialing(admitted.attemptId, 'd2')]);
    expect(deliveries.filter(Boolean)).toHaveLength(1);
  });

  it('refuses and records: outside the selection, outside local hours, DNC', async () => {
    expect(await admit(task, ids.丙 as bigint, 'preview', IN_HOURS)).toMatchObject({ ok: false, reason: 'notInSelection' });
    expect(await admit(task, ids.丁 as bigint, 'manual', IN_HOURS)).toMatchObject({ ok: false, reason: 'outsideHours' });
    await addToDnc(actor, 'global', ['13911113305'], 'manual');
    expect(await admit(task, ids.戊 as bigint, 'progressive', IN_HOURS)).toMatchObject({ ok: false, reason: 'dnc' });
    expect(await refusals('丙')).toEqual(['notInSelection']);
    expect((await prisma.dialRefusal.findFirstOrThrow({ where: { contactId: ids.丁 } })).until).toBeInstanceOf(Date);
    expect(await refusals('戊')).toEqual(['dnc']);
  });

  it('after each result the retry interval applies, and the attempt limit closes the case', async () => {
    const contactId = ids.己 as bigint;
    let now = IN_HOURS;
    for (let i = 0; i < 3; i++) {
      const admitted = await admit(task, contactId, 'predictive', now);
      expect(admitted.ok).toBe(true);
      if (!admitted.ok) return;
      await startDialing(admitted.attemptId, 'd1');
      // Finished "now", in the simulated day: its queuedAt is real time, so use finish time for retries.
      await prisma.callAttempt.update({ where: { id: admitted.attemptId }, data: { queuedAt: now } });
      expect(await finishAttempt(admitted.attemptId, { result: 'noAnswer', cause: 'NO_ANSWER', causeCode: 19 }, now)).toBe(true);
      expect(await finishAttempt(admitted.attemptId, { result: 'busy' }, now)).toBe(false);
      const tooSoon = await admit(task, contactId, 'predictive', new Date(now.getTime() + 60_000));
      expect(tooSoon).toMatchObject({ ok: false, reason: i < 2 ? 'retryWait' : 'closed' });
      now = new Date(now.getTime() + 3 * 3_600_000);
    }
    const contact = await prisma.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(contact).toMatchObject({ status: 'closed', attempts: 3, lastOutcome: 'noAnswer' });
    expect(await prisma.activeCall.count({ where: { contactId } })).toBe(0);
  });

  it('a connected call keeps its CDR and leaves the case to the wrap-up', async () => {
    const other = { ...task, selection: null };
    const admitted = await admit(other, ids.丙 as bigint, 'predictive', IN_HOURS);
    if (!admitted.ok) throw new Error('not admitted');
    await startDialing(admitted.attemptId, 'd1');
    expect(await markAnswered(admitted.attemptId, false)).toBe(true);
    expect(await markConnected(admitted.attemptId, randomUUID())).toBe(true);
    expect(await markAnswered(admitted.attemptId, false)).toBe(false);
    await finishAttempt(admitted.attemptId, {
      result: 'connected',
      cause: 'NORMAL_CLEARING',
      causeCode: 16,
      ringSec: 7,
      talkSec: 95,
    });
    const attempt = await prisma.callAttempt.findUniqueOrThrow({ where: { id: admitted.attemptId } });
    expect(attempt).toMatchObject({ state: 'ended', result: 'connected', amd: 'human', ringSec: 7, talkSec: 95, causeCode: 16 });
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: ids.丙 } })).status).toBe('open');
  });

  it('after a conversation the contact waits for its wrap-up, not on an earlier attempt’s retry time', async () => {
    const other = { ...task, selection: null };
    const contactId = ids.甲 as bigint;
    await prisma.activeCall.deleteMany({ where: { contactId } });
    await prisma.callAttempt.deleteMany({ where: { contactId } });
    // An abandoned call an hour ago set a retry time that has long passed.
    await prisma.contact.update({ where: { id: contactId }, data: { nextAttemptAt: new Date(IN_HOURS.getTime() - 3_000_000) } });
    const admitted = await admit(other, contactId, 'predictive', IN_HOURS);
    if (!admitted.ok) throw new Error('not admitted');
    await prisma.callAttempt.update({ where: { id: admitted.attemptId }, data: { queuedAt: IN_HOURS } });
    await startDialing(admitted.attemptId, 'd1');
    await markAnswered(admitted.attemptId, false);
    await markConnected(admitted.attemptId, randomUUID());
    await finishAttempt(admitted.attemptId, { result: 'connected', cause: 'NORMAL_CLEARING' }, IN_HOURS);
    const seconds = (s: number) => new Date(IN_HOURS.getTime() + s * 1000);
    // The agent is still writing the wrap-up: the dialer must not call the customer back meanwhile.
    expect(await admit(other, contactId, 'predictive', seconds(1))).toMatchObject({ ok: false, reason: 'retryWait' });
    const retryMinutes = task.rules.retryPolicy.retry;
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: contactId } })).nextAttemptAt).toEqual(
      seconds(retryMinutes * 60),
    );
  });
});

describe('alternate numbers', () => {
  it('an invalid primary does not close the case when a secondary phone exists; the next attempt dials the secondary', async () => {
    const { numberToDial } = await import('./engine.server');
    const { revealPhone } = await import('../lists/phone-vault.server');
    const { changeProjectRules } = await import('../projects/projects.server');
    const project = await changeProjectRules(actor, task.projectId, (r) => ({ ...r, secondaryAfterFailures: 2 }));
    const alt: DialTask = { ...task, rules: project.rules, rulesVersion: project.rulesVersion, selection: null };
    await importFromApi(project.id, 'k', [{ name: '庚', phone: '13911113307', secondaryPhone: '13911113399', age: 70 }]);
    const contactId = (await prisma.contact.findFirstOrThrow({ where: { projectId: project.id, name: '庚' } })).id;
    expect(revealPhone((await numberToDial(contactId, 2)).cipher as string)).toBe('+8613911113307');
    const first = await admit(alt, contactId, 'predictive', IN_HOURS);
    if (!first.ok) throw new Error('not admitted');
    await startDialing(first.attemptId, 'd1');
    await finishAttempt(first.attemptId, { result: 'invalid', cause: 'UNALLOCATED_NUMBER', causeCode: 1 });
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: contactId } })).status).toBe('open');
    const next = await numberToDial(contactId, 2);
    expect(next.slot).toBe('secondary');
    expect(revealPhone(next.cipher as string)).toBe('+8613911113399');
  });
});

describe('tokenised contacts', () => {
  it('get their number from the CRM at dial time, never stored', async () => {
    const { startFakeCrm } = await import('../../../plugins/webhook-crm/fake-crm');
    const { createInstallation, saveConfig, setEnabled } = await import('../../plugins/installations.server');
    const { resolveToken } = await import('./engine.server');
    const crm = await startFakeCrm('token-secret-0123456', {});
    try {
      const installation = await createInstallation(actor, 'webhook-crm', 'CRM');
      await saveConfig(actor, installation.id, { baseUrl: crm.url, hmacSecret: 'token-secret-0123456' });
      await setEnabled(actor, installation.id, true);
      await importFromApi(task.projectId, 'k', [{ name: '辛', phoneToken: 'tok-5678', age: 70 }]);
      const contact = await prisma.contact.findFirstOrThrow({ where: { projectId: task.projectId, name: '辛' } });
      expect(contact.phoneCipher).toBeNull();
      expect(await resolveToken(task.projectId, contact.id)).toBeNull(); // no CRM on the project yet
      await prisma.project.update({ where: { id: task.projectId }, data: { crmInstallationId: installation.id } });
      expect(await resolveToken(task.projectId, contact.id)).toBe('+8613800005678');
      expect((await prisma.contact.findUniqueOrThrow({ where: { id: contact.id } })).phoneCipher).toBeNull();
    } finally {
      await crm.close();
    }
  });
});
