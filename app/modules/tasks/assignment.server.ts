import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { checkCondition, conditionToSql } from '../../rules';
import { compileFormula, evaluateBatch } from '../../rules/runtime.server';
import type { ScopeRow } from '../../rules/types';
import { type AuditActor, audit } from '../audit/audit.server';
import { contactScope } from '../lists/contact-scope';
import { getProject } from '../projects/projects.server';
import { agentFacts, assignmentPeriod } from './agents.server';
import { AGENT_WEIGHT_SCOPE, type AgentFacts, agentRow, scoreScope } from './assignment-scope';
import { quotas, ranges } from './quotas';
import { getTask, type TaskView, taskContactSql } from './tasks.server';

// Assignment (分配): which agent works which contact of a task. Runs are set-based SQL (a count,
// quotas in JS, one INSERT … SELECT that hands out contiguous row-number ranges), serialised per
// task by an advisory lock; the primary key (taskId, contactId) makes double assignment impossible.

type Tx = Prisma.TransactionClient;

export class AssignmentRefused extends Error {
  constructor(
    readonly code:
      | 'tasks.assign.poolMode'
      | 'tasks.assign.manualMode'
      | 'tasks.assign.finished'
      | 'tasks.assign.noAgent'
      | 'tasks.assign.formula'
      | 'tasks.assign.tooMany',
  ) {
    super(code);
  }
}

export interface RunOptions {
  dryRun?: boolean;
  /** Release automatic assignments not yet worked (and any held by agents no longer available) first. */
  rebalance?: boolean;
  /** With rebalance: release manual assignments too. */
  clearManual?: boolean;
  now?: Date;
}

export interface RunResult {
  runId: string | null;
  mode: string;
  dryRun: boolean;
  assigned: number;
  released: number;
  keptManual: number;
  unassigned: number;
  perAgent: { agentId: string; login: string; displayName: string; count: number }[];
  perSegment: { label: string; count: number }[];
}

class DryRun extends Error {
  constructor(readonly result: RunResult) {
    super('dry run');
  }
}

/** A condition as an extra SQL clause after `offset` existing params. */
export async function conditionClause(projectId: string, condition: unknown, offset: number) {
  const project = await getProject(projectId);
  const { scope, columns } = contactScope(project.fields);
  const checked = checkCondition(condition, scope);
  if (!checked.ok || !checked.value.rules.length) return { sql: 'TRUE', params: [] as unknown[] };
  return conditionToSql(checked.value, scope, columns, offset);
}

/** Weights per agent from the task's weight formula; agents without scheduled hours weigh nothing. */
async function weights(task: TaskView, agents: AgentFacts[]): Promise<{ agentId: string; weight: number }[]> {
  const scheduled = agents.filter((a) => a.scheduledHours > 0);
  if (!scheduled.length) return [];
  const compiled = compileFormula(task.assignment.weightFormula, AGENT_WEIGHT_SCOPE, 'number');
  if (!compiled.ok) throw new AssignmentRefused('tasks.assign.formula');
  const { results } = await evaluateBatch<number>(compiled.value, scheduled.map(agentRow));
  return scheduled.map((a, i) => ({ agentId: a.agentId, weight: Math.max(0, Number(results[i] ?? 0)) }));
}

/** Unassigned eligible contacts of the task (narrowed by `extra`) handed out by weight; counts per agent. */
async function distribute(
  tx: Tx,
  task: TaskView,
  base: { sql: string; params: unknown[] },
  extra: { sql: string; params: unknown[] },
  weighted: { agentId: string; weight: number }[],
  runId: string,
): Promise<Map<string, number>> {
  const where = `${base.sql} AND (${extra.sql}) AND NOT EXISTS (SELECT 1 FROM "TaskAssignment" x WHERE x."taskId" = '${task.id}'::uuid AND x."contactId" = c."id")`;
  const params = [...base.params, ...extra.params];
  const [{ count }] = (await tx.$queryRawUnsafe<{ count: bigint }[]>(
    `SELECT count(*) AS count FROM "Contact" c WHERE ${where}`,
    ...params,
  )) as [{ count: bigint }];
  const total = Number(count);
  const out = new Map<string, number>();
  const parts = ranges(quotas(total, weighted));
  if (!total || !parts.length) return out;
  const n = params.length;
  const rows = await tx.$queryRawUnsafe<{ agentId: string; count: bigint }[]>(
    `WITH pool AS (
       SELECT c."id", row_number() OVER (ORDER BY hashtext(c."id"::text || $${n + 1}::text), c."id") AS rn
       FROM "Contact" c WHERE ${where}
     ), ins AS (
       INSERT INTO "TaskAssignment" ("taskId", "contactId", "agentId", "source", "runId", "assignedAt")
       SELECT $${n + 1}::uuid, pool."id", ($${n + 2}::uuid[])[width_bucket(pool.rn, $${n + 3}::bigint[])], 'auto', $${n + 4}::uuid, now()
       FROM pool WHERE pool.rn <= $${n + 5}
       ON CONFLICT ("taskId", "contactId") DO NOTHING
       RETURNING "agentId"
     )
     SELECT "agentId"::text AS "agentId", count(*) AS count FROM ins GROUP BY 1`,
    ...params,
    task.id,
    parts.map((p) => p.agentId),
    parts.map((p) => p.lo),
    runId,
    parts[parts.length - 1]!.hi,
  );
  for (const r of rows) out.set(r.agentId, Number(r.count));
  return out;
}

const MAX_PAIRS = 2_000_000;

/** Custom formula: every contact goes to the best-scoring agent that still has room (room = its weighted share). */
async function distributeByScore(
  tx: Tx,
  task: TaskView,
  base: { sql: string; params: unknown[] },
  agents: AgentFacts[],
  weighted: { agentId: string; weight: number }[],
  runId: string,
): Promise<Map<string, number>> {
  const project = await getProject(task.projectId);
  const { scope } = contactScope(project.fields);
  const compiled = compileFormula(task.assignment.scoreFormula, scoreScope(scope), 'number');
  if (!compiled.ok) throw new AssignmentRefused('tasks.assign.formula');
  const contacts = await tx.$queryRawUnsafe<
    {
      id: bigint;
      name: string;
      fields: Record<string, unknown>;
      tags: string[];
      status: string;
      attempts: number;
      dnc: boolean;
      consentStatus: string | null;
    }[]
  >(
    `SELECT c."id", c."name", c."fields", c."tags", c."status"::text AS status, c."attempts", c."dnc", c."consentStatus" FROM "Contact" c
     WHERE ${base.sql} AND NOT EXISTS (SELECT 1 FROM "TaskAssignment" x WHERE x."taskId" = '${task.id}'::uuid AND x."contactId" = c."id")`,
    ...base.params,
  );
  const available = agents.filter((a) => weighted.some((w) => w.agentId === a.agentId && w.weight > 0));
  if (!contacts.length || !available.length) return new Map();
  if (contacts.length * available.length > MAX_PAIRS) throw new AssignmentRefused('tasks.assign.tooMany');
  const contactNames = scope.fields.map((f) => f.name);
  const pairs: { contact: number; agent: number; score: number }[] = [];
  const BATCH = 50_000;
  let rows: ScopeRow[] = [];
  let keys: [number, number][] = [];
  const flush = async () => {
    const { results } = await evaluateBatch<number>(compiled.value, rows);
    results.forEach((score, i) => {
      if (score !== null && Number.isFinite(score)) pairs.push({ contact: keys[i]![0], agent: keys[i]![1], score });
    });
    rows = [];
    keys = [];
  };
  for (const [ci, c] of contacts.entries()) {
    const contactRow: ScopeRow = {};
    for (const name of contactNames) contactRow[name] = name === 'name' ? c.name : (c.fields[name] ?? null);
    Object.assign(contactRow, { tags: c.tags, status: c.status, attempts: c.attempts, dnc: c.dnc, consent: c.consentStatus });
    for (const [ai, a] of available.entries()) {
      rows.push({ ...contactRow, ...agentRow(a) });
      keys.push([ci, ai]);
      if (rows.length >= BATCH) await flush();
    }
  }
  if (rows.length) await flush();
  const room = quotas(contacts.length, weighted);
  const left = available.map((a) => room.get(a.agentId) ?? 0);
  const taken = new Array<boolean>(contacts.length).fill(false);
  const chosen: { contactId: bigint; agentId: string }[] = [];
  pairs.sort((x, y) => y.score - x.score || x.contact - y.contact || x.agent - y.agent);
  for (const p of pairs) {
    if (taken[p.contact] || left[p.agent]! <= 0) continue;
    taken[p.contact] = true;
    left[p.agent]!--;
    chosen.push({ contactId: contacts[p.contact]!.id, agentId: available[p.agent]!.agentId });
  }
  const inserted = await tx.$queryRaw<{ agentId: string; count: bigint }[]>`
    WITH ins AS (
      INSERT INTO "TaskAssignment" ("taskId", "contactId", "agentId", "source", "runId", "assignedAt")
      SELECT ${task.id}::uuid, x.cid, x.aid, 'auto', ${runId}::uuid, now()
      FROM unnest(${chosen.map((c) => c.contactId)}::bigint[], ${chosen.map((c) => c.agentId)}::uuid[]) AS x(cid, aid)
      ON CONFLICT ("taskId", "contactId") DO NOTHING
      RETURNING "agentId"
    ) SELECT "agentId"::text AS "agentId", count(*) AS count FROM ins GROUP BY 1`;
  return new Map(inserted.map((r) => [r.agentId, Number(r.count)]));
}

/** One writer of a task's assignments at a time (released at commit). */
export async function lockTask(tx: Tx, taskId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`task-assign:${taskId}`}))`;
}

function merge(into: Map<string, number>, from: Map<string, number>) {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

/**
 * One automatic assignment run for a task by its rule (even, segments or formula). A dry run does
 * exactly the same work in a transaction that is then rolled back, so the preview is what
 * applying would do; both are recorded.
 */
export async function runAssignment(actor: AuditActor, taskId: string, options: RunOptions = {}): Promise<RunResult> {
  const task = await getTask(taskId);
  const mode = task.assignment.mode;
  if (mode === 'pool') throw new AssignmentRefused('tasks.assign.poolMode');
  if (mode === 'manual') throw new AssignmentRefused('tasks.assign.manualMode');
  if (task.status === 'completed' || task.status === 'stopped') throw new AssignmentRefused('tasks.assign.finished');
  const now = options.now ?? new Date();
  const period = assignmentPeriod(task.schedule, now);
  const days = task.assignment.efficiencyDays;
  const taskAgents = await agentFacts(task.skillGroupIds, [], period, days, now, taskId);
  const base = await taskContactSql(task, true);
  const runId = crypto.randomUUID();

  const work = async (tx: Tx): Promise<RunResult> => {
    await lockTask(tx, taskId);
    const taskWeights = await weights(task, taskAgents);
    let released = 0;
    if (options.rebalance) {
      const keep = taskWeights.filter((w) => w.weight > 0).map((w) => w.agentId);
      released = await tx.$executeRaw`
        DELETE FROM "TaskAssignment" a USING "Contact" c
        WHERE a."taskId" = ${taskId}::uuid AND c."id" = a."contactId"
          AND (a."source" = 'auto' OR ${Boolean(options.clearManual)})
          AND (c."attempts" = 0 OR c."status" = 'closed' OR NOT (a."agentId" = ANY(${keep}::uuid[])))`;
    }
    const [{ kept }] = (await tx.$queryRaw<{ kept: bigint }[]>`
      SELECT count(*) AS kept FROM "TaskAssignment" WHERE "taskId" = ${taskId}::uuid AND "source" = 'manual'`) as [
      { kept: bigint },
    ];
    const perAgent = new Map<string, number>();
    const perSegment: { label: string; count: number }[] = [];
    const known = new Map(taskAgents.map((a) => [a.agentId, a]));
    const everyone = async () => {
      if (mode === 'formula') merge(perAgent, await distributeByScore(tx, task, base, taskAgents, taskWeights, runId));
      else merge(perAgent, await distribute(tx, task, base, { sql: 'TRUE', params: [] }, taskWeights, runId));
    };
    if (mode === 'segments') {
      for (const [i, segment] of task.assignment.segments.entries()) {
        const agents = await agentFacts(segment.skillGroupIds, segment.agentIds, period, days, now, taskId);
        for (const a of agents) known.set(a.agentId, a);
        const extra = await conditionClause(task.projectId, segment.condition, base.params.length);
        const given = await distribute(tx, task, base, extra, await weights(task, agents), runId);
        merge(perAgent, given);
        perSegment.push({ label: segment.label || `#${i + 1}`, count: [...given.values()].reduce((s, v) => s + v, 0) });
      }
      const fb = task.assignment.fallback;
      const fallbackAgents =
        fb.skillGroupIds.length || fb.agentIds.length
          ? await agentFacts(fb.skillGroupIds, fb.agentIds, period, days, now, taskId)
          : taskAgents;
      for (const a of fallbackAgents) known.set(a.agentId, a);
      const given = await distribute(tx, task, base, { sql: 'TRUE', params: [] }, await weights(task, fallbackAgents), runId);
      merge(perAgent, given);
      perSegment.push({ label: 'fallback', count: [...given.values()].reduce((s, v) => s + v, 0) });
    } else {
      await everyone();
    }
    const [{ left }] = (await tx.$queryRawUnsafe<{ left: bigint }[]>(
      `SELECT count(*) AS left FROM "Contact" c WHERE ${base.sql} AND NOT EXISTS (SELECT 1 FROM "TaskAssignment" x WHERE x."taskId" = '${taskId}'::uuid AND x."contactId" = c."id")`,
      ...base.params,
    )) as [{ left: bigint }];
    const result: RunResult = {
      runId: options.dryRun ? null : runId,
      mode: options.rebalance ? 'rebalance' : mode,
      dryRun: Boolean(options.dryRun),
      assigned: [...perAgent.values()].reduce((s, v) => s + v, 0),
      released,
      keptManual: Number(kept),
      unassigned: Number(left),
      perAgent: [...perAgent]
        .map(([agentId, count]) => ({
          agentId,
          login: known.get(agentId)?.login ?? '',
          displayName: known.get(agentId)?.displayName ?? '',
          count,
        }))
        .sort((a, b) => b.count - a.count || a.login.localeCompare(b.login)),
      perSegment,
    };
    if (options.dryRun) throw new DryRun(result);
    await tx.assignmentRun.create({ data: runRecord(runId, taskId, actor, result) });
    return result;
  };

  let result: RunResult;
  try {
    result = await prisma.$transaction(work, { timeout: 120_000, maxWait: 30_000 });
  } catch (error) {
    if (!(error instanceof DryRun)) throw error;
    result = error.result;
    await prisma.assignmentRun.create({ data: runRecord(crypto.randomUUID(), taskId, actor, result) });
  }
  await audit(actor, options.dryRun ? 'task.assign.preview' : 'task.assign.run', taskId, {
    mode: result.mode,
    assigned: result.assigned,
    released: result.released,
    keptManual: result.keptManual,
  });
  return result;
}

function runRecord(id: string, taskId: string, actor: AuditActor, r: RunResult) {
  return {
    id,
    taskId,
    mode: r.mode,
    dryRun: r.dryRun,
    assigned: r.assigned,
    released: r.released,
    keptManual: r.keptManual,
    unassigned: r.unassigned,
    perAgent: Object.fromEntries(r.perAgent.map((a) => [a.agentId, a.count])),
    perSegment: r.perSegment,
    createdById: actor.id ?? null,
    createdBy: actor.name,
  };
}

/**
 * The periodic check (job `tasks.rebalance`): an unfinished task with an automatic rule whose
 * contacts are held by an agent who left (deactivated) or is absent (no scheduled hours in the
 * task's period) is rebalanced. Returns the tasks it rebalanced.
 */
export async function rebalanceWhereAgentsLeft(now = new Date()): Promise<string[]> {
  const tasks = await prisma.task.findMany({ where: { status: { in: ['running', 'paused'] } }, select: { id: true } });
  const done: string[] = [];
  for (const { id } of tasks) {
    const task = await getTask(id);
    if (!['even', 'segments', 'formula'].includes(task.assignment.mode)) continue;
    const holders = (
      await prisma.taskAssignment.findMany({
        where: { taskId: id, source: 'auto' },
        distinct: ['agentId'],
        select: { agentId: true },
      })
    ).map((h) => h.agentId);
    if (!holders.length) continue;
    const present = await agentFacts([], holders, assignmentPeriod(task.schedule, now), task.assignment.efficiencyDays, now, id);
    const available = new Set(present.filter((a) => a.scheduledHours > 0).map((a) => a.agentId));
    if (holders.every((h) => available.has(h))) continue;
    await runAssignment({ name: 'system' }, id, { rebalance: true, now });
    done.push(id);
  }
  return done;
}
