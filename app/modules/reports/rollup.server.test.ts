import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { rebuildRollups, refreshRollups } from './rollup.server';

// Rollups must equal the aggregates computed straight from raw rows, whatever order attempts end,
// wrap-ups arrive and supervisors correct them in, and after a rebuild.

const TASKS = [randomUUID(), randomUUID()];
const PROJECT = randomUUID();
const AGENTS = [randomUUID(), randomUUID()];
const DISPOSITIONS = [
  { code: 'ok', outcome: 'success' },
  { code: 'no', outcome: 'failure' },
  { code: 'later', outcome: 'callback' },
];
const RESULTS = ['connected', 'busy', 'noAnswer', 'machine', 'abandoned', 'failed', 'invalid'];
const BASE = Date.UTC(2026, 10, 20, 0, 0, 0);

const op = fc.oneof(
  fc.record({
    kind: fc.constant('attempt' as const),
    task: fc.nat(1),
    contact: fc.nat(3),
    hour: fc.nat(30),
    result: fc.constantFrom(...RESULTS),
    agent: fc.nat(1),
    ended: fc.boolean(),
    ring: fc.nat(40),
    talk: fc.nat(300),
  }),
  fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('wrap' as const),
    pick: fc.nat(),
    disposition: fc.nat(2),
    amount: fc.option(fc.integer({ min: 1, max: 9999 })),
    lead: fc.boolean(),
    wrapSec: fc.nat(120),
  }),
  fc.record({ kind: fc.constant('correct' as const), pick: fc.nat(), disposition: fc.nat(2) }),
  fc.record({
    kind: fc.constant('writeBack' as const),
    hour: fc.nat(30),
    state: fc.constantFrom('pending', 'delivered', 'dead'),
  }),
  fc.record({ kind: fc.constant('refresh' as const) }),
);

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

let clock = 0;
async function apply(o: Op): Promise<void> {
  clock++;
  if (o.kind === 'refresh') {
    await refreshRollups();
  } else if (o.kind === 'attempt') {
    const connected = o.result === 'connected';
    await prisma.callAttempt.create({
      data: {
        taskId: TASKS[o.task]!,
        projectId: PROJECT,
        contactId: BigInt(o.task * 10 + o.contact + 1),
        rulesVersion: 1,
        mode: 'predictive',
        state: o.ended ? 'ended' : 'dialing',
        queuedAt: new Date(BASE + o.hour * 3_600_000 + (clock % 3_600) * 1000),
        answeredAt: ['connected', 'abandoned', 'machine'].includes(o.result) ? new Date(BASE) : null,
        agentId: connected ? AGENTS[o.agent] : null,
        result: o.ended ? o.result : null,
        ringSec: o.ring,
        talkSec: connected ? o.talk : null,
        trunk: `trunk-${o.task}`,
        callerId: `0105555000${o.contact % 2}`,
        cause: o.ended ? (connected ? 'NORMAL_CLEARING' : 'USER_BUSY') : null,
        // Attempts end "now", possibly for a call queued hours ago: late arrival.
        endedAt: o.ended ? new Date() : null,
      },
    });
  } else if (o.kind === 'end') {
    const open = await prisma.callAttempt.findMany({ where: { endedAt: null }, orderBy: { id: 'asc' } });
    const attempt = open[o.pick % Math.max(1, open.length)];
    if (attempt)
      await prisma.callAttempt.update({
        where: { id: attempt.id },
        data: { endedAt: new Date(), state: 'ended', result: 'noAnswer' },
      });
  } else if (o.kind === 'wrap') {
    const connected = await prisma.callAttempt.findMany({
      where: { result: 'connected', endedAt: { not: null } },
      orderBy: { id: 'asc' },
    });
    const attempt = connected[o.pick % Math.max(1, connected.length)];
    if (!attempt || (await prisma.wrapUp.findUnique({ where: { attemptId: attempt.id } }))) return;
    const d = DISPOSITIONS[o.disposition]!;
    const startedAt = new Date(Date.now() - o.wrapSec * 1000);
    await prisma.wrapUp.create({
      data: {
        attemptId: attempt.id,
        taskId: attempt.taskId,
        projectId: PROJECT,
        contactId: attempt.contactId,
        agentId: attempt.agentId,
        dispositionCode: d.code,
        outcome: d.outcome,
        order: o.amount ? { productId: randomUUID(), amount: o.amount, quantity: 1, status: 'confirmed' } : undefined,
        lead: o.lead ? { summary: 'lead' } : undefined,
        decision: {},
        startedAt,
        submittedAt: new Date(),
      },
    });
  } else if (o.kind === 'correct') {
    const wrapUps = await prisma.wrapUp.findMany({ orderBy: { id: 'asc' } });
    const wrapUp = wrapUps[o.pick % Math.max(1, wrapUps.length)];
    if (!wrapUp) return;
    const d = DISPOSITIONS[o.disposition]!;
    await prisma.wrapUp.update({
      where: { id: wrapUp.id },
      data: { dispositionCode: d.code, outcome: d.outcome, revision: { increment: 1 }, correctedAt: new Date() },
    });
  } else {
    await prisma.writeBack.create({
      data: {
        wrapUpId: randomUUID(),
        projectId: PROJECT,
        kind: 'result',
        idempotencyKey: randomUUID(),
        payload: {},
        state: o.state,
        tries: o.state === 'pending' ? 0 : o.state === 'dead' ? 8 : 1 + (clock % 2),
        createdAt: new Date(Date.now() - o.hour * 60_000),
      },
    });
  }
}

const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000).toISOString();
const bump = (m: Map<string, Record<string, number>>, key: string, values: Record<string, number>) => {
  const row = m.get(key) ?? {};
  for (const [k, v] of Object.entries(values)) row[k] = (row[k] ?? 0) + v;
  m.set(key, row);
};

/** The reports' numbers computed the slow, obvious way from raw rows. */
async function rawAggregates() {
  const attempts = await prisma.callAttempt.findMany({ where: { endedAt: { not: null } } });
  const wrapUps = new Map((await prisma.wrapUp.findMany()).map((w) => [w.attemptId, w]));
  const byContact = new Map<string, typeof attempts>();
  for (const a of attempts) {
    const key = `${a.taskId}|${a.contactId}`;
    byContact.set(key, [...(byContact.get(key) ?? []), a]);
  }
  const firsts = new Set<string>();
  for (const list of byContact.values()) {
    const sorted = [...list].sort((x, y) => x.queuedAt.getTime() - y.queuedAt.getTime() || (x.id < y.id ? -1 : 1));
    if (sorted[0]) firsts.add(`attempt|${sorted[0].id}`);
    const c = sorted.find((a) => a.result === 'connected');
    if (c) firsts.add(`connect|${c.id}`);
    const s = sorted.find((a) => wrapUps.get(a.id)?.outcome === 'success');
    if (s) firsts.add(`success|${s.id}`);
  }
  const task = new Map<string, Record<string, number>>();
  const agent = new Map<string, Record<string, number>>();
  const line = new Map<string, Record<string, number>>();
  const cause = new Map<string, Record<string, number>>();
  for (const a of attempts) {
    const w = wrapUps.get(a.id);
    const order = w?.order as { amount?: number } | null;
    const wrap = w ? Math.max(0, Math.round((w.submittedAt.getTime() - w.startedAt.getTime()) / 1000)) : 0;
    const success = w?.outcome === 'success' ? 1 : 0;
    const connected = a.result === 'connected' ? 1 : 0;
    const h = hourOf(a.queuedAt);
    bump(task, `${h}|${a.taskId}|${a.result ?? ''}|${w?.dispositionCode ?? ''}|${w?.outcome ?? ''}`, {
      attempts: 1,
      answered: a.answeredAt ? 1 : 0,
      connected,
      busy: a.result === 'busy' ? 1 : 0,
      failed: a.result === 'failed' || a.result === 'invalid' ? 1 : 0,
      successes: success,
      firstAttempts: firsts.has(`attempt|${a.id}`) ? 1 : 0,
      firstConnects: firsts.has(`connect|${a.id}`) ? 1 : 0,
      firstSuccesses: firsts.has(`success|${a.id}`) ? 1 : 0,
      talkSec: a.talkSec ?? 0,
      wrapSec: wrap,
      salesAmount: order?.amount ?? 0,
      leads: w?.lead ? 1 : 0,
    });
    if (a.agentId) {
      bump(agent, `${h}|${a.agentId}|${w?.dispositionCode ?? ''}`, {
        calls: 1,
        connects: connected,
        successes: success,
        talkSec: a.talkSec ?? 0,
        wrapSec: wrap,
        salesAmount: order?.amount ?? 0,
        orders: order ? 1 : 0,
      });
    }
    bump(line, `${h}|${a.trunk ?? ''}|${a.callerId ?? ''}`, {
      attempts: 1,
      answered: a.answeredAt ? 1 : 0,
      ringSec: a.ringSec ?? 0,
    });
    bump(cause, `${h}|${a.result ?? ''}|${a.cause ?? ''}`, { attempts: 1 });
  }
  const writeBacks = new Map<string, Record<string, number>>();
  for (const b of await prisma.writeBack.findMany()) {
    bump(writeBacks, `${hourOf(b.createdAt)}|${b.state}`, { items: 1, retried: b.tries > 1 ? 1 : 0, tries: b.tries });
  }
  return { task, agent, line, cause, writeBacks };
}

async function rollupAggregates() {
  const task = new Map<string, Record<string, number>>();
  for (const r of await prisma.rollupTaskHour.findMany()) {
    bump(task, `${r.hour.toISOString()}|${r.taskId}|${r.result}|${r.dispositionCode}|${r.outcome}`, {
      attempts: r.attempts,
      answered: r.answered,
      connected: r.connected,
      busy: r.busy,
      failed: r.failed,
      successes: r.successes,
      firstAttempts: r.firstAttempts,
      firstConnects: r.firstConnects,
      firstSuccesses: r.firstSuccesses,
      talkSec: Number(r.talkSec),
      wrapSec: Number(r.wrapSec),
      salesAmount: Number(r.salesAmount),
      leads: r.leads,
    });
  }
  const agent = new Map<string, Record<string, number>>();
  for (const r of await prisma.rollupAgentHour.findMany()) {
    bump(agent, `${r.hour.toISOString()}|${r.agentId}|${r.dispositionCode}`, {
      calls: r.calls,
      connects: r.connects,
      successes: r.successes,
      talkSec: Number(r.talkSec),
      wrapSec: Number(r.wrapSec),
      salesAmount: Number(r.salesAmount),
      orders: r.orders,
    });
  }
  const line = new Map<string, Record<string, number>>();
  for (const r of await prisma.rollupLineHour.findMany()) {
    bump(line, `${r.hour.toISOString()}|${r.trunk}|${r.callerId}`, {
      attempts: r.attempts,
      answered: r.answered,
      ringSec: Number(r.ringSec),
    });
  }
  const cause = new Map<string, Record<string, number>>();
  for (const r of await prisma.rollupCauseHour.findMany()) {
    bump(cause, `${r.hour.toISOString()}|${r.result}|${r.cause}`, { attempts: r.attempts });
  }
  const writeBacks = new Map<string, Record<string, number>>();
  for (const r of await prisma.rollupWriteBackHour.findMany()) {
    bump(writeBacks, `${r.hour.toISOString()}|${r.state}`, { items: r.items, retried: r.retried, tries: r.tries });
  }
  return { task, agent, line, cause, writeBacks };
}

const sorted = (m: Map<string, Record<string, number>>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

async function expectRollupsEqualRaw() {
  const [raw, rolled] = await Promise.all([rawAggregates(), rollupAggregates()]);
  for (const key of ['task', 'agent', 'line', 'cause', 'writeBacks'] as const) {
    expect(sorted(rolled[key]), key).toEqual(sorted(raw[key]));
  }
}

async function clear() {
  await prisma.$executeRawUnsafe(
    'TRUNCATE "CallAttempt", "WrapUp", "WriteBack", "RollupTaskHour", "RollupAgentHour", "RollupLineHour", "RollupCauseHour", "RollupWriteBackHour", "RollupState"',
  );
}

describe('report rollups', () => {
  it('equal the raw aggregates after random inserts, late endings and corrections, and after a rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        await clear();
        await refreshRollups(); // the first refresh is a (empty) rebuild; the rest are incremental
        for (const o of ops) await apply(o);
        await refreshRollups();
        await expectRollupsEqualRaw();
        await rebuildRollups();
        await expectRollupsEqualRaw();
      }),
      { numRuns: 25 },
    );
  }, 240_000);

  it('moves a corrected disposition out of its old bucket and recounts the contact’s first success', async () => {
    await clear();
    await refreshRollups();
    await apply({ kind: 'attempt', task: 0, contact: 0, hour: 1, result: 'connected', agent: 0, ended: true, ring: 5, talk: 60 });
    await apply({ kind: 'attempt', task: 0, contact: 0, hour: 5, result: 'connected', agent: 1, ended: true, ring: 5, talk: 60 });
    const [earlier, later] = await prisma.callAttempt.findMany({ orderBy: { queuedAt: 'asc' } });
    const wrap = (a: NonNullable<typeof earlier>, d: (typeof DISPOSITIONS)[number]) =>
      prisma.wrapUp.create({
        data: {
          attemptId: a.id,
          taskId: a.taskId,
          projectId: PROJECT,
          contactId: a.contactId,
          agentId: a.agentId,
          dispositionCode: d.code,
          outcome: d.outcome,
          decision: {},
          startedAt: new Date(),
        },
      });
    const failed = await wrap(earlier!, DISPOSITIONS[1]!);
    await wrap(later!, DISPOSITIONS[0]!);
    await refreshRollups();
    const inHour = async (a: NonNullable<typeof earlier>) => {
      const rows = await prisma.rollupTaskHour.findMany({ where: { hour: new Date(hourOf(a.queuedAt)) } });
      return { firstSuccesses: rows.reduce((s, r) => s + r.firstSuccesses, 0), codes: rows.map((r) => r.dispositionCode) };
    };
    expect(await inHour(earlier!)).toEqual({ firstSuccesses: 0, codes: ['no'] });
    expect(await inHour(later!)).toEqual({ firstSuccesses: 1, codes: ['ok'] });
    // A supervisor turns the earlier call into the success: the first success moves to its hour.
    await prisma.wrapUp.update({
      where: { id: failed.id },
      data: { dispositionCode: 'ok', outcome: 'success', correctedAt: new Date(), revision: 2 },
    });
    await refreshRollups();
    expect(await inHour(earlier!)).toEqual({ firstSuccesses: 1, codes: ['ok'] });
    expect(await inHour(later!)).toEqual({ firstSuccesses: 0, codes: ['ok'] });
    await expectRollupsEqualRaw();
  });
});
