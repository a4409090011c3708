import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { saveSkillGroup } from '../projects/skill-groups.server';
import { agentAggregates } from './aggregates.server';
import { exportLeaderboard, leaderboard } from './leaderboard.server';
import { EMPTY_FIGURES } from './metrics';
import { defaultConfig, type SchemeInput } from './scheme-schema';
import { testScheme } from './scheme-test.server';
import { saveScheme, schemeVersions } from './schemes.server';
import { scoreMany } from './scoring.server';

// Hand-built attempts and wrap-ups on 2026-03-10 (Asia/Shanghai), plus rows that must not count.
const DAY = { from: new Date('2026-03-09T16:00:00Z'), to: new Date('2026-03-10T16:00:00Z') };
const at = (hhmm: string) => new Date(`2026-03-10T${hhmm}:00+08:00`);
let projectId = '';
let otherProjectId = '';
let a = { id: '', login: '' };
let b = { id: '', login: '' };
let c = { id: '', login: '' };
let contact = 1000n;

async function attempt(p: {
  agentId?: string;
  requestedBy?: string;
  queuedAt: Date;
  connected?: boolean;
  talkSec?: number;
  result?: string;
  project?: string;
}) {
  return prisma.callAttempt.create({
    data: {
      taskId: randomUUID(),
      projectId: p.project ?? projectId,
      contactId: contact++,
      rulesVersion: 1,
      mode: 'predictive',
      state: 'ended',
      agentId: p.agentId ?? null,
      requestedBy: p.requestedBy ?? null,
      queuedAt: p.queuedAt,
      connectedAt: p.connected ? new Date(p.queuedAt.getTime() + 10_000) : null,
      talkSec: p.talkSec ?? null,
      result: p.result ?? (p.connected ? 'connected' : 'noAnswer'),
    },
  });
}

async function wrapUp(p: {
  attemptId: string;
  agentId: string;
  outcome: string;
  startedAt: Date;
  wrapSec: number;
  order?: object;
  lead?: object;
}) {
  return prisma.wrapUp.create({
    data: {
      attemptId: p.attemptId,
      taskId: randomUUID(),
      projectId,
      contactId: contact++,
      agentId: p.agentId,
      dispositionCode: p.outcome,
      outcome: p.outcome,
      decision: {},
      startedAt: p.startedAt,
      submittedAt: new Date(p.startedAt.getTime() + p.wrapSec * 1000),
      ...(p.order ? { order: p.order } : {}),
      ...(p.lead ? { lead: p.lead } : {}),
    },
  });
}

beforeAll(async () => {
  projectId = (await createProject({ name: 't' }, { name: '绩效', type: 'sales', description: '' })).id;
  otherProjectId = (await createProject({ name: 't' }, { name: '别的', type: 'sales', description: '' })).id;
  a = await insertUser('agent');
  b = await insertUser('agent');
  c = await insertUser('agent'); // in the team, no calls today
  const one = await attempt({ agentId: a.id, queuedAt: at('09:00'), connected: true, talkSec: 60 });
  const two = await attempt({ agentId: a.id, queuedAt: at('10:00'), connected: true, talkSec: 120 });
  await attempt({ requestedBy: a.id, queuedAt: at('11:00') }); // a preview call nobody answered
  await attempt({ requestedBy: a.id, queuedAt: at('11:05'), result: 'notPlaced' }); // refused by the gate: not a call
  await attempt({ agentId: a.id, queuedAt: new Date('2026-03-09T15:59:00Z'), connected: true, talkSec: 999 }); // the day before, local
  await attempt({ agentId: a.id, queuedAt: at('12:00'), connected: true, talkSec: 500, project: otherProjectId });
  const three = await attempt({ agentId: b.id, queuedAt: at('09:30'), connected: true, talkSec: 30 });
  await wrapUp({
    attemptId: one.id,
    agentId: a.id,
    outcome: 'success',
    startedAt: at('09:02'),
    wrapSec: 30,
    order: { productId: randomUUID(), amount: 12_000, quantity: 1, status: 'confirmed' },
  });
  await wrapUp({
    attemptId: two.id,
    agentId: a.id,
    outcome: 'failure',
    startedAt: at('10:03'),
    wrapSec: 45,
    order: { productId: randomUUID(), amount: 5_000, quantity: 1, status: 'linkSent' },
    lead: { summary: '有意向' },
  });
  await wrapUp({ attemptId: three.id, agentId: b.id, outcome: 'success', startedAt: at('09:31'), wrapSec: 20 });
});

describe('per-agent aggregates from raw attempts and wrap-ups', () => {
  it('count calls, connects, talk, successes, wrap time, confirmed sales and leads within the local day and project', async () => {
    const rows = await agentAggregates({ ...DAY, projectId, timeZone: 'Asia/Shanghai' });
    expect(rows.find((r) => r.agentId === a.id)).toEqual({
      agentId: a.id,
      calls: 3,
      connects: 2,
      successes: 1,
      talkSec: 180,
      wrapSec: 75,
      pauseSec: null,
      salesAmount: 12_000,
      orders: 1,
      leads: 1,
      qualityScore: null,
    });
    expect(rows.find((r) => r.agentId === b.id)).toMatchObject({ calls: 1, connects: 1, successes: 1, talkSec: 30, wrapSec: 20 });
    expect(rows).toHaveLength(2);
  });

  it('filter by agents; without a project every project counts', async () => {
    const rows = await agentAggregates({ ...DAY, agentIds: [a.id], timeZone: 'Asia/Shanghai' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ calls: 4, talkSec: 680 });
    expect(await agentAggregates({ ...DAY, agentIds: [], timeZone: 'UTC' })).toEqual([]);
  });
});

describe('custom formula schemes run in the sandbox', () => {
  it('score each term per agent; an agent whose term gives no number gets no points for it', async () => {
    const config = {
      ...defaultConfig('formula'),
      terms: [
        { label: '成功', formula: 'successes', weight: 10 },
        { label: '接通率', formula: 'connects / calls * 100', weight: 0.5 },
      ],
    };
    const [busy, idle] = await scoreMany(config, [
      { ...EMPTY_FIGURES, calls: 40, connects: 10, successes: 3 },
      { ...EMPTY_FIGURES },
    ]);
    expect(busy!.terms.map((t) => [t.value, t.points])).toEqual([
      [3, 30],
      [25, 12.5],
    ]);
    expect(busy!.score).toBe(42.5);
    expect(idle!.terms[1]).toMatchObject({ value: null, points: 0 }); // 0 / 0
    expect(idle!.score).toBe(0);
  });

  it('the test panel scores sample agents and reports formula errors with their place', async () => {
    const ok = await testScheme({ config: defaultConfig('sales'), samples: [{ salesAmount: 60_000 }] });
    expect(ok.ok && ok.breakdowns[0]!.score).toBe(1800);
    const bad = await testScheme({
      config: { ...defaultConfig('formula'), terms: [{ label: 'x', formula: 'successes +', weight: 1 }] },
      samples: [{}],
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems[0]).toMatchObject({
      field: 'terms.0.formula',
      key: 'formula',
      rule: { kind: 'syntax', line: 1 },
    });
    const sample = await testScheme({ config: defaultConfig('sales'), samples: [{ calls: 'many' }] });
    expect(!sample.ok && sample.problems[0]).toMatchObject({ key: 'sample', params: { path: 'samples.0.calls' } });
  });
});

describe('schemes and the leaderboard', () => {
  let teamId = '';
  let schemeId = '';
  const scheme = (over: Partial<SchemeInput> = {}): SchemeInput => ({
    name: '团队提成',
    scopeKind: 'team',
    projectId: null,
    skillGroupId: teamId,
    timeZone: 'Asia/Shanghai',
    active: true,
    config: defaultConfig('sales'),
    ...over,
  });

  beforeAll(async () => {
    teamId = (
      await saveSkillGroup(
        { name: 't' },
        {
          name: `组${randomUUID().slice(0, 4)}`,
          description: '',
          members: [a, b, c].map((u) => ({ userId: u.id, proficiency: 3 })),
        },
      )
    ).id;
  });

  it('refuses tier gaps and formula mistakes, saves versions and audits each change', async () => {
    const gap = await saveScheme(
      { name: 'sup' },
      scheme({
        config: {
          ...defaultConfig('sales'),
          tiers: [
            { from: 0, to: 10, rate: 1 },
            { from: 20, to: null, rate: 2 },
          ],
        },
      }),
    );
    expect(gap).toMatchObject({ ok: false, problems: [{ field: 'tiers.1.from', key: 'tierGap' }] });
    const created = await saveScheme({ name: 'sup' }, scheme());
    expect(created).toMatchObject({ ok: true, version: 1 });
    schemeId = created.ok ? created.id : '';
    const updated = await saveScheme(
      { name: 'sup' },
      scheme({ id: schemeId, config: { ...defaultConfig('sales'), tierMode: 'whole' } }),
    );
    expect(updated).toMatchObject({ ok: true, version: 2 });
    expect((await schemeVersions(schemeId)).map((v) => [v.version, v.config.tierMode])).toEqual([
      [2, 'whole'],
      [1, 'marginal'],
    ]);
    const audits = await prisma.auditLog.findMany({ where: { target: schemeId }, orderBy: { id: 'asc' } });
    expect(audits.map((r) => r.action)).toEqual(['performance.scheme.create', 'performance.scheme.update']);
    // Back to marginal for the leaderboard below.
    await saveScheme({ name: 'sup' }, scheme({ id: schemeId }));
  });

  it('a supervisor sees every team member with figures, score and breakdown; an agent only themselves', async () => {
    const supervisor = await insertUser('supervisor');
    const query = { schemeId, period: 'day' as const, date: '2026-03-10' };
    const all = await leaderboard({ id: supervisor.id, role: 'supervisor' }, query);
    expect(all.rows.map((r) => [r.login, r.rank, r.score])).toEqual([
      [a.login, 1, 200 + 60], // 12 000 of confirmed sales: 10 000 × 2 % + 2 000 × 3 %
      [b.login, 2, 0],
      [c.login, 2, 0],
    ]);
    expect(all.rows[0]!.breakdown.tiers.map((s) => s.points)).toEqual([200, 60]);
    expect(all.trend.days).toHaveLength(7);
    expect(all.trend.series.find((s) => s.agentId === a.id)?.scores.at(-1)).toBe(260);

    const own = await leaderboard({ id: b.id, role: 'agent' }, query);
    expect(own.rows.map((r) => r.agentId)).toEqual([b.id]);
    expect(own.rows[0]!.rank).toBe(2);
    expect(own.trend.series.map((s) => s.agentId)).toEqual([b.id]);
    expect(JSON.stringify(own)).not.toContain(a.id);
  });

  it('exports what the viewer may see, and audits the export', async () => {
    const { file } = await exportLeaderboard(
      { id: b.id, name: b.login },
      { id: b.id, role: 'agent' },
      { schemeId, period: 'week', date: '2026-03-10' },
      'csv',
    );
    const text = String(file.body);
    expect(text).toContain(b.login);
    expect(text).not.toContain(a.login);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'performance.export', actor: b.login } });
    expect(audit.details).toMatchObject({ period: 'week', first: '2026-03-09', last: '2026-03-15', rows: 1, format: 'csv' });
  });
});
