import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { createSimSwitch } from '../../telephony/sim/sim-switch';
import { closeLive } from '../dialing/live.server';
import { dialableTask } from '../dialing/testing.server';
import { getTask, transitionTask } from '../tasks/tasks.server';
import { type AlertRuleInput, checkAlertRule, DEFAULT_ALERT_RULES } from './alert-schema';
import {
  acknowledgeAlert,
  deleteAlertRule,
  evaluateAlertRules,
  listAlertRules,
  listAlerts,
  markNotificationsRead,
  notificationsFor,
  saveAlertRule,
  seedDefaultAlertRulesOnce,
} from './alerts.server';
import { cappedLaunches, lineBlocks, pacingCap, taskBreakers } from './breakers.server';

// Alert rules on a real database: the lifecycle (fire once, acknowledge, resolve, history), each
// circuit breaker and its effect on the dialer, and the auto-resume cooldown.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 12).toString('base64');
const actor = { id: null, name: 'supervisor' };
let projectId = '';
let taskId = '';
let contactId = 0n;

beforeAll(async () => {
  ({ projectId, taskId } = await dialableTask(10, '1391199'));
  contactId = (await prisma.contact.findFirstOrThrow({ where: { projectId } })).id;
});
afterAll(closeLive);

/** Finished attempts of the task, ended a minute ago. */
async function calls(result: string, count: number, over: { callerId?: string; trunk?: string } = {}) {
  const endedAt = new Date(Date.now() - 60_000);
  await prisma.callAttempt.createMany({
    data: Array.from({ length: count }, () => ({
      taskId,
      projectId,
      contactId,
      rulesVersion: 1,
      mode: 'predictive',
      state: 'ended',
      result,
      trunk: over.trunk ?? 'sim-e1-a',
      callerId: over.callerId ?? '057188880001',
      dialingAt: endedAt,
      answeredAt: ['connected', 'abandoned', 'machine'].includes(result) ? endedAt : null,
      connectedAt: result === 'connected' ? endedAt : null,
      talkSec: result === 'connected' ? 30 : null,
      endedAt,
    })),
  });
}

const abandonRule = (threshold: number, extra: Partial<AlertRuleInput['actions']> = {}): AlertRuleInput => ({
  name: 'abandons',
  metric: 'abandonRate',
  scope: 'task',
  scopeRef: taskId,
  window: '1h',
  severity: 'critical',
  condition: { combinator: 'and', rules: [{ field: 'value', operator: '>', value: threshold }] },
  actions: { notify: true, plugin: null, breaker: 'pauseTask', capLevel: null, cooldownMinutes: 0, ...extra },
});

describe('alert rule validation', () => {
  it('names the field of each problem', () => {
    const bad = checkAlertRule({
      ...abandonRule(3),
      name: '',
      scope: 'trunk',
      condition: { combinator: 'and', rules: [{ field: 'nope', operator: '>', value: 1 }] },
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors)).toContain('name');
    const second = checkAlertRule({ ...abandonRule(3), scope: 'trunk' });
    expect(second.ok ? {} : second.errors).toMatchObject({
      scope: 'errors.scopeForMetric',
      'actions.breaker': 'errors.breakerScope',
    });
    const cap = checkAlertRule({ ...abandonRule(3, { breaker: 'capPacing' }) });
    expect(cap.ok ? {} : cap.errors).toEqual({ 'actions.capLevel': 'errors.capLevelRequired' });
    const condition = checkAlertRule({
      ...abandonRule(3),
      condition: { combinator: 'and', rules: [{ field: 'nope', operator: '>', value: 1 }] },
    });
    expect(condition.ok ? {} : condition.errors).toEqual({ condition: 'errors.condition' });
  });
});

describe('default rules', () => {
  it('are installed once and valid; one deleted does not come back; the demo can install one disabled', async () => {
    await seedDefaultAlertRulesOnce({ disabled: ['abandon-pause'] });
    const rules = await listAlertRules();
    expect(rules.map((r) => [r.seedKey, r.metric, r.scope, r.enabled])).toEqual([
      ['abandon-pause', 'abandonRate', 'task', false],
      ['callerid-asr', 'asr', 'callerId', true],
      ['writeback-failures', 'writeBackFailures', 'system', true],
    ]);
    const asr = rules.find((r) => r.seedKey === 'callerid-asr');
    await deleteAlertRule(actor, asr!.id);
    await seedDefaultAlertRulesOnce();
    expect((await listAlertRules()).map((r) => r.seedKey)).toEqual(['abandon-pause', 'writeback-failures']);
    for (const r of await listAlertRules()) await deleteAlertRule(actor, r.id);
  });
});

describe('alert lifecycle and the pause breaker', () => {
  it('fires once, pauses the task with the reason, notifies; acknowledged, then resolved when the condition clears', async () => {
    const watcher = await insertUser('supervisor');
    const agent = await insertUser('agent');
    await calls('connected', 18);
    await calls('abandoned', 2); // 10 %
    const rule = await saveAlertRule(actor, abandonRule(5));

    const first = await evaluateAlertRules();
    expect(first.fired).toBe(1);
    const [alert] = await listAlerts({ state: 'open' });
    expect(alert).toMatchObject({ ruleId: rule.id, subject: `task:${taskId}`, state: 'firing', value: 10, sample: 20 });
    const task = await getTask(taskId);
    expect(task.status).toBe('paused');
    expect(task.statusReason).toContain('abandons');
    expect(task.statusReason).toContain('10 %');
    expect((await taskBreakers(taskId)).map((b) => b.kind)).toEqual(['pauseTask']);
    // The bell: supervisors (monitoring.view) get it, agents do not.
    expect((await notificationsFor(watcher.id)).unread).toBe(1);
    expect((await notificationsFor(agent.id)).unread).toBe(0);
    await markNotificationsRead(watcher.id);
    expect((await notificationsFor(watcher.id)).unread).toBe(0);

    // Still over the threshold: no second alert, no second notification.
    expect((await evaluateAlertRules()).fired).toBe(0);
    expect(await prisma.alert.count({ where: { ruleId: rule.id } })).toBe(1);
    expect((await notificationsFor(watcher.id)).unread).toBe(0);

    expect(await acknowledgeAlert({ id: watcher.id, name: watcher.login }, alert!.id)).toBe(true);
    expect(await acknowledgeAlert({ id: watcher.id, name: watcher.login }, alert!.id)).toBe(false);
    // The breaker needs a person: the task stays paused until someone resumes it.
    expect((await getTask(taskId)).status).toBe('paused');
    await transitionTask({ id: watcher.id, name: watcher.login }, taskId, 'resume');

    // The condition clears (many good calls): the alert resolves itself and the breaker record closes.
    await calls('connected', 80);
    const later = await evaluateAlertRules();
    expect(later.resolved).toBe(1);
    const [done] = await listAlerts({});
    expect(done).toMatchObject({ state: 'resolved', resolvedBy: 'monitoring', acknowledgedBy: watcher.login });
    expect(done!.history.map((h) => h.event)).toEqual(['fired', 'breaker.pauseTask', 'acknowledged', 'resolved']);
    expect(done!.breakers.every((b) => !b.active)).toBe(true);
    expect((await getTask(taskId)).status).toBe('running');
    await deleteAlertRule(actor, rule.id);
  });

  it('auto-resumes a paused task after the rule cooldown', async () => {
    await calls('abandoned', 30);
    const rule = await saveAlertRule(actor, abandonRule(5, { cooldownMinutes: 10 }));
    expect((await evaluateAlertRules()).fired).toBe(1);
    expect((await getTask(taskId)).status).toBe('paused');
    // Five minutes on: still paused. Eleven minutes on: resumed by the cooldown.
    await evaluateAlertRules(new Date(Date.now() + 5 * 60_000));
    expect((await getTask(taskId)).status).toBe('paused');
    const settled = await evaluateAlertRules(new Date(Date.now() + 11 * 60_000));
    expect(settled.released).toBe(1);
    expect((await getTask(taskId)).status).toBe('running');
    await deleteAlertRule(actor, rule.id);
    expect(await prisma.alert.count({ where: { ruleId: rule.id, state: { not: 'resolved' } } })).toBe(0);
  });
});

describe('line breakers and the dialer', () => {
  const profile = { answer: 0.5, busy: 0.1, noAnswer: 0.3, machine: 0.05, invalid: 0.05, ringMeanSec: 8, talkMeanSec: 30 };
  const engineTask = async () => {
    const t = await getTask(taskId);
    return {
      ...t,
      running: true,
      selection: t.condition,
      dialMode: 'predictive' as const,
      trunks: ['sim-e1-a', 'sim-e1-b'],
      callerIds: ['057100000001', '057100000002'],
      noAnswerTimeoutSec: 25,
      rulesVersion: t.rulesVersion ?? 1,
    };
  };

  it('disables a caller ID with a poor ASR: the dialer skips it, and a disabled trunk, with reason codes', async () => {
    const { DialerEngine } = await import('../dialing/engine.server');
    await calls('busy', 95, { callerId: '057100000001' });
    await calls('noAnswer', 4, { callerId: '057100000001' });
    await calls('connected', 1, { callerId: '057100000001' });
    await calls('connected', 50, { callerId: '057100000002' });
    // The seeded default: caller-ID ASR under 10 % over 100 calls disables the number.
    const { seedKey: _, ...spamRule } = DEFAULT_ALERT_RULES.find((r) => r.seedKey === 'callerid-asr')!;
    const rule = await saveAlertRule(actor, spamRule);
    expect((await evaluateAlertRules()).fired).toBe(1);
    expect([...(await lineBlocks()).callerIds]).toEqual(['057100000001']);

    const sw = createSimSwitch({
      profile,
      trunks: [
        { id: 'sim-e1-a', capacity: 30 },
        { id: 'sim-e1-b', capacity: 30 },
      ],
      timeScale: 1,
      seed: 5,
    });
    const engine = new DialerEngine(sw, 'd-breakers', sw.clock);
    const task = await engineTask();
    expect(await engine.usableLines(task as never)).toEqual({
      trunks: ['sim-e1-a', 'sim-e1-b'],
      callerIds: ['057100000002'],
      disabledCallerIds: 1,
    });

    // A trunk disabled by hand-built breaker rows (the trunk scope's breaker) is skipped too.
    await prisma.circuitBreaker.createMany({
      data: ['sim-e1-a', 'sim-e1-b'].map((target) => ({ kind: 'disableTrunk', target, reason: 'carrier failing' })),
    });
    const lines = await engine.usableLines(task as never);
    expect(lines).toMatchObject({ trunks: [], disabledTrunks: 2 });
    engine.close();
    await sw.close();
    await prisma.circuitBreaker.deleteMany({ where: { kind: 'disableTrunk' } });

    // Deleting the rule releases its breaker: the caller ID is usable again.
    await deleteAlertRule(actor, rule.id);
    expect((await lineBlocks()).callerIds.size).toBe(0);
  });

  it('caps a task’s pacing: launches stop at the cap times its agents', async () => {
    await prisma.callAttempt.deleteMany({ where: { taskId } });
    await calls('abandoned', 10);
    const rule = await saveAlertRule(actor, abandonRule(5, { breaker: 'capPacing', capLevel: 1.5 }));
    await evaluateAlertRules();
    expect(await pacingCap(taskId)).toBe(1.5);
    expect((await getTask(taskId)).status).toBe('running');
    // 4 agents × 1.5 = 6 lines; 4 ringing → at most 2 more, whatever the pacer wanted.
    expect(cappedLaunches(10, 1.5, 4, 4)).toBe(2);
    expect(cappedLaunches(10, 1.5, 4, 7)).toBe(0);
    expect(cappedLaunches(3, null, 4, 7)).toBe(3);
    await deleteAlertRule(actor, rule.id);
    expect(await pacingCap(taskId)).toBeNull();
  });
});
