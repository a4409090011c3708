import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { prisma } from '../../db/prisma.server';
import { env } from '../../env.server';
import { callHook } from '../../plugins/installations.server';
import type { PoolNumber } from '../../plugins/sdk';
import { startAutoAgents } from '../../telephony/sim/auto-agents';
import type { SimSwitch } from '../../telephony/sim/sim-switch';
import { logger } from '../../utils/logger.server';
import { writeTrunkHealth } from '../monitoring/metrics.server';
import { runningTasks } from '../tasks/dispatch.server';
import { agentDialString } from '../workstation/verto-credentials.server';
import { finishAttempt } from './attempts.server';
import { agentEndpoint, agentOfEndpoint, DialerEngine, type EngineTask } from './engine.server';
import { type DialerCommand, publishLive, subscribeDialerCommands, subscribeLive } from './live.server';
import { expireStaleAgents, releaseAgent, setAgentState } from './presence.server';
import { configuredSwitch, SIM_CALLER_IDS, SIM_TRUNKS, simChoice } from './switch.server';

// The dialer process. Each running task is paced by exactly one dialer: the one holding the task's
// PostgreSQL advisory lock (on a connection of its own, so a dead process releases it at once).
// A dialer that takes a task over ends the attempts the previous owner left in flight: they were
// calls on that process's switch, which died with it.

const ROUND_MS = 1000;
/** A round running longer than this is logged once, with the step it is stuck at. */
const ROUND_STUCK_MS = 15_000;

interface Carrier {
  trunks: string[];
  callerIds: string[];
  /** Daily caps by caller ID, where the carrier declares one. */
  caps: Record<string, number>;
  /** Area codes and trunk bindings of the caller IDs. */
  pool: PoolNumber[];
}

/** Trunks and caller IDs of a carrier installation (cached a minute), or the sim defaults. */
function carrierLookup() {
  const cache = new Map<string, { at: number; value: Carrier }>();
  return async (installationId: string | null): Promise<Carrier> => {
    if (!installationId) return { trunks: SIM_TRUNKS.map((t) => t.id), callerIds: SIM_CALLER_IDS, caps: {}, pool: [] };
    const hit = cache.get(installationId);
    if (hit && Date.now() - hit.at < 60_000) return hit.value;
    const [trunks, callerIds] = await Promise.all([
      callHook(installationId, 'trunks', [], { withConfig: true }),
      callHook(installationId, 'callerIds', [], { withConfig: true }),
    ]);
    const ids = callerIds.ok && Array.isArray(callerIds.value) ? (callerIds.value as PoolNumber[]) : [];
    const value = {
      trunks: trunks.ok && Array.isArray(trunks.value) ? (trunks.value as { id: string }[]).map((t) => t.id) : [],
      callerIds: ids.map((c) => c.number),
      caps: Object.fromEntries(ids.filter((c) => typeof c.dailyCap === 'number').map((c) => [c.number, c.dailyCap as number])),
      pool: ids,
    };
    cache.set(installationId, { at: Date.now(), value });
    return value;
  };
}

type RunningTask = Awaited<ReturnType<typeof runningTasks>>[number];

/** A running task as the engine needs it: pinned rules, the carrier's lines, robot settings. */
function engineTask(t: RunningTask, carrier: Carrier): EngineTask | null {
  if (!t.rules || !t.rulesVersion) return null;
  const trunks = t.callerId.trunkIds.length ? carrier.trunks.filter((id) => t.callerId.trunkIds.includes(id)) : carrier.trunks;
  return {
    id: t.id,
    name: t.name,
    projectId: t.projectId,
    rulesVersion: t.rulesVersion,
    rules: t.rules,
    running: true,
    selection: t.condition,
    dialMode: t.channel === 'robot' ? 'robot' : ((t.dialMode ?? 'preview') as EngineTask['dialMode']),
    skillGroupIds: t.skillGroupIds,
    pacing: t.pacing,
    trunks,
    callerIds: t.callerId.strategy === 'fixed' && t.callerId.number ? [t.callerId.number] : carrier.callerIds,
    callerIdCaps: carrier.caps,
    callerIdPool: carrier.pool,
    noAnswerTimeoutSec: t.rules.noAnswerTimeoutSeconds,
    robot:
      t.channel === 'robot' && t.robot && t.questionnaireVersionId
        ? {
            versionId: t.questionnaireVersionId,
            settings: { maxRetries: t.robot.maxRetries, transferRule: t.robot.transferRule, prompts: t.robot.prompts },
            transferGroupIds: t.robot.transferSkillGroupId ? [t.robot.transferSkillGroupId] : t.skillGroupIds,
            lines: t.robot.lines,
          }
        : null,
  };
}

/** Seconds a requested call may wait for a dialer before it is given up (the agent is freed). */
const REQUEST_EXPIRY_SEC = 60;

export interface DialerOptions {
  autoAgents?: boolean;
  dialerId?: string;
  /** Tests inject a switch on a virtual clock; otherwise the switch settings choose (switch.server.ts). */
  softswitch?: SimSwitch;
}

export async function startDialer(
  options: DialerOptions = {},
): Promise<{ stop: () => Promise<void>; engine: DialerEngine; dialerId: string }> {
  const dialerId = options.dialerId ?? `dialer-${randomUUID().slice(0, 8)}`;
  const log = logger.child({ role: 'dialer', dialerId });
  const choice = options.softswitch ? simChoice(options.softswitch) : await configuredSwitch(agentDialString);
  const { sw, line, sim } = choice;
  const engine = new DialerEngine(sw, dialerId, sw.clock, line.prepare);
  const owned = new Set<string>();
  // The connection holding the task locks. When it drops (PostgreSQL restarted, network cut), the
  // locks are gone with it and another dialer may take the tasks and free their contacts: this
  // dialer ends its own calls of them at once, and connects again on the next round (ADR 100).
  let locks: pg.Client | null = null;
  const lockConnection = async (): Promise<pg.Client> => {
    if (locks) return locks;
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    c.on('error', (error) => {
      if (locks !== c) return;
      locks = null;
      const lost = [...owned];
      owned.clear();
      log.warn({ err: error, tasks: lost }, 'task lock connection lost; ending this dialer’s calls of those tasks');
      for (const taskId of lost)
        void engine.hangUpTask(taskId).catch((e) => log.warn({ err: e, taskId }, 'calls not ended after the lock was lost'));
    });
    try {
      await c.connect();
    } catch (error) {
      await c.end().catch(() => undefined);
      throw error;
    }
    locks = c;
    return c;
  };
  await lockConnection();
  const carriers = carrierLookup();
  let stopped = false;
  let running = false;
  let rounds = 0;
  // Where a round is, for the watchdog below: a round that never ends stops all dialing silently.
  let stage = 'idle';
  let roundStartedAt = 0;
  let stuckLogged = false;

  // Demo agents: every agent in a skill group except the human demo login takes calls on the sim switch.
  const autoOn = options.autoAgents ?? env().WAIHU_AUTO_AGENTS === 'true';
  let stopAgents = () => {};
  if (autoOn && !sim) log.warn('auto-agents live on the embedded switch only; none on FreeSWITCH');
  if (autoOn && sim) {
    const members = await prisma.skillGroupMember.findMany({ distinct: ['userId'], select: { userId: true } });
    const humans = await prisma.user.findMany({ where: { login: 'agent' }, select: { id: true } });
    const ids = members.map((m) => m.userId).filter((id) => !humans.some((h) => h.id === id));
    for (const id of ids) await setAgentState(id, 'ready', { auto: true });
    const agents = startAutoAgents(sim, {
      endpoints: ids.map(agentEndpoint),
      onReady: (endpoint, info) => {
        const id = agentOfEndpoint(endpoint);
        if (!id) return;
        // After the dialer has handled the call's end: at a fast time scale a short wrap-up can
        // finish before the call's end is written, which would leave the agent in wrap-up.
        void engine
          .settled(info.callId)
          .then(() => setAgentState(id, 'ready', { auto: true }))
          .then(() => publishLive({ topic: 'agent', data: { userId: id, state: 'ready' } }))
          .then(() => engine.agentReady([...owned], id))
          .catch((error) => log.warn({ err: error }, 'auto-agent state'));
      },
    });
    stopAgents = () => agents.stop();
    log.info({ agents: ids.length }, 'auto-agents answer calls on the sim switch');
  }

  const tryLock = async (taskId: string) => {
    const { rows } = await (await lockConnection()).query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      `waihu:task:${taskId}`,
    ]);
    return !!rows[0]?.ok;
  };
  const take = async (taskId: string) => {
    if (!(await tryLock(taskId))) return false;
    owned.add(taskId);
    const reconciled = await reconcile(taskId);
    log.info({ taskId, reconciled }, 'pacing task');
    return true;
  };
  const reconcile = async (taskId: string) => {
    // Left in flight and not on this dialer's switch: a dead dialer's calls, this one's from before
    // its lock connection dropped (their end could not be written then), and pacing launches
    // admitted but never dialled (an agent's requested call waits for any dialer: not those).
    const orphans = (
      await prisma.callAttempt.findMany({
        where: { taskId, endedAt: null, OR: [{ dialerId: { not: null } }, { requestedBy: null }] },
        select: { id: true, state: true },
      })
    ).filter((o) => !engine.has(o.id));
    for (const o of orphans)
      await finishAttempt(
        o.id,
        o.state === 'queued' ? { result: 'notPlaced', cause: 'NOT_DIALED' } : { result: 'failed', cause: 'DIALER_LOST' },
      );
    return orphans.length;
  };
  // A task stopped or paused while its dialer was dead is never taken again: whoever gets its
  // lock ends what the dead dialer left in flight (a live owner holds the lock until its calls end).
  const sweepStopped = async () => {
    const tasks = await prisma.$queryRaw<{ taskId: string }[]>`
      SELECT DISTINCT a."taskId" FROM "CallAttempt" a JOIN "Task" t ON t."id" = a."taskId"
       WHERE a."endedAt" IS NULL AND t."status" <> 'running' AND (a."dialerId" IS NOT NULL OR a."requestedBy" IS NULL)`;
    for (const { taskId } of tasks) {
      if (owned.has(taskId) || !(await tryLock(taskId))) continue;
      const reconciled = await reconcile(taskId);
      if (reconciled) log.info({ taskId, reconciled }, 'ended the calls a dead dialer left on a stopped task');
      await release(taskId);
    }
  };
  const release = async (taskId: string) => {
    owned.delete(taskId);
    await locks?.query('SELECT pg_advisory_unlock(hashtext($1))', [`waihu:task:${taskId}`]).catch(() => undefined);
  };

  const round = async () => {
    if (running || stopped) {
      if (running && !stuckLogged && Date.now() - roundStartedAt > ROUND_STUCK_MS) {
        stuckLogged = true;
        log.error(
          {
            stage: stage === 'pacing' ? `pacing: ${engine.stage}` : stage,
            seconds: Math.round((Date.now() - roundStartedAt) / 1000),
          },
          'dialer round stuck',
        );
      }
      return;
    }
    running = true;
    roundStartedAt = Date.now();
    stuckLogged = false;
    try {
      stage = 'expiring stale agents';
      await expireStaleAgents();
      stage = 'reading running tasks';
      const tasks = (await runningTasks()).filter(
        (t) => t.channel === 'robot' || (t.channel === 'agent' && (t.dialMode === 'predictive' || t.dialMode === 'progressive')),
      );
      // A task no longer running keeps its lock until this dialer's calls of it have ended.
      for (const id of owned) if (!tasks.some((t) => t.id === id) && !engine.callsOf(id)) await release(id);
      for (const t of tasks) {
        if (!t.rules || !t.rulesVersion) continue;
        stage = 'taking tasks';
        if (!owned.has(t.id) && !(await take(t.id))) continue;
        stage = 'reading carriers';
        const task = engineTask(t, await carriers(t.callerId.installationId));
        if (!task) continue;
        stage = 'pacing';
        await engine.tick(task);
        // The lock was lost while this round launched: what it launched is not this dialer's to keep.
        if (!owned.has(t.id)) await engine.hangUpTask(t.id);
      }
      stage = 'requested calls';
      await sweepRequested();
      stage = 'stopped tasks';
      if (rounds % 10 === 0) await sweepStopped();
      stage = 'trunk health';
      // Channels in use per trunk, for the wallboard and /metrics (every few rounds is enough).
      await choice.refresh();
      if (rounds++ % 5 === 0)
        await writeTrunkHealth({ dialerId, at: new Date().toISOString(), trunks: (await sw.health()).trunks });
    } catch (error) {
      log.error({ err: error }, 'dialer round failed');
    } finally {
      running = false;
      stage = 'idle';
    }
  };
  // Calls agents asked for (preview, manual, callbacks, click-to-call): the attempt row is the dial
  // job; a NOTIFY starts it at once, and each round picks up any whose NOTIFY was missed. Whichever
  // dialer moves it out of `queued` first dials it (a conditional update), so it is dialled once.
  const dialRequested = async (attemptId: string) => {
    const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId } });
    if (attempt?.state !== 'queued' || !attempt.requestedBy) return;
    const t = (await runningTasks()).find((r) => r.id === attempt.taskId);
    const task = t ? engineTask(t, await carriers(t.callerId.installationId)) : null;
    if (!task || task.rulesVersion !== attempt.rulesVersion) return giveUp(attempt, 'TASK_NOT_RUNNING');
    const lines = await engine.usableLines(task);
    // Every trunk or caller ID disabled by a circuit breaker: the requested call is not placed.
    if ((lines.disabledTrunks && !lines.trunks.length) || (lines.disabledCallerIds && !lines.callerIds.length))
      return giveUp(attempt, lines.trunks.length ? 'CALLER_ID_DISABLED' : 'TRUNK_DISABLED');
    await engine.launch(
      task,
      attempt.id,
      attempt.contactId,
      lines.trunks.length ? lines : undefined,
      undefined,
      attempt.requestedBy,
    );
  };
  const giveUp = async (attempt: { id: string; requestedBy: string | null }, cause: string) => {
    if (!(await finishAttempt(attempt.id, { result: 'notPlaced', cause })) || !attempt.requestedBy) return;
    const state = await releaseAgent(attempt.requestedBy, attempt.id);
    if (state) await publishLive({ topic: 'agent', data: { userId: attempt.requestedBy, state, attemptId: attempt.id } });
  };
  const sweepRequested = async () => {
    const waiting = await prisma.callAttempt.findMany({
      where: { state: 'queued', requestedBy: { not: null }, queuedAt: { lt: new Date(Date.now() - 2000) } },
      select: { id: true, queuedAt: true, requestedBy: true },
      take: 50,
    });
    for (const w of waiting) {
      if (w.queuedAt.getTime() < Date.now() - REQUEST_EXPIRY_SEC * 1000) await giveUp(w, 'NOT_DIALED');
      else await dialRequested(w.id);
    }
  };
  const onCommand = (command: DialerCommand) => {
    if (stopped) return;
    if (command.type === 'call') line.command(command);
    else void dialRequested(command.attemptId).catch((error) => log.error({ err: error }, 'requested call failed'));
  };
  const unsubscribeCommands = await subscribeDialerCommands(onCommand);
  // People's workstations say when an agent is free again (wrap-up submitted) or leaves: the pacer
  // learns their handle time from it, as it does from the auto-agents' own reports.
  const unsubscribeAgents = await subscribeLive((event) => {
    if (stopped || event.topic !== 'agent') return;
    const { userId, state } = event.data as { userId?: unknown; state?: unknown };
    if (typeof userId !== 'string') return;
    if (state === 'ready') engine.agentReady([...owned], userId);
    else if (state === 'paused' || state === 'offline') engine.agentLeft([...owned], userId);
  });

  const timer = setInterval(() => void round(), ROUND_MS);
  log.info(
    { switch: choice.kind, ...(sim ? { timeScale: env().WAIHU_SIM_TIME_SCALE } : {}) },
    sim ? 'dialer started on the embedded sim switch' : 'dialer started on FreeSWITCH',
  );

  return {
    dialerId,
    engine,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      unsubscribeCommands();
      unsubscribeAgents();
      line.stop();
      stopAgents();
      while (running) await new Promise((r) => setTimeout(r, 50));
      const ended = await engine.endAll('DIALER_STOPPED').catch(() => 0);
      engine.close();
      await engine.drain();
      if (ended) log.info({ ended }, 'ended the calls in flight');
      await sw.close();
      const c = locks;
      locks = null;
      await c?.end().catch(() => undefined);
      log.info('dialer stopped');
    },
  };
}
