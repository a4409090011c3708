import { prisma } from '../../db/prisma.server';
import { abandonRate, addToTally, connected, emptyTally } from '../monitoring/definitions';
import { readSetting, writeSetting } from '../system/settings.server';
import type { Refusal } from './compliance';

// What the dialing page shows: calls in flight, agents by state, and per running task what limits
// dialing right now ("why isn't it dialing?") — the dialer's own status plus the gate's refusals.

/** The dialer's latest word on a task, written every few seconds by the process that paces it. */
export interface DialerTaskStatus {
  taskId: string;
  dialerId: string;
  at: string;
  level: number;
  reason: string;
  readyAgents: number;
  busyAgents: number;
  ringing: number;
  /** What stopped launches in the last round, e.g. noReadyAgents, outsideHours, noContacts. */
  limits: string[];
}

const statusKey = (taskId: string) => `dialer.task.${taskId}`;

export async function writeDialerStatus(status: DialerTaskStatus) {
  await writeSetting(statusKey(status.taskId), status as unknown as Parameters<typeof writeSetting>[1]);
}

/** What limits one task's dialing now: the dialer's last report and the gate's recent refusals. */
export async function taskDialingStatus(taskId: string, now = new Date()) {
  const since = new Date(now.getTime() - 15 * 60_000);
  const [status, refusals] = await Promise.all([
    readSetting<DialerTaskStatus>(statusKey(taskId)),
    prisma.dialRefusal.groupBy({
      by: ['reason'],
      where: { taskId, at: { gte: since } },
      _count: { _all: true },
      _min: { until: true },
    }),
  ]);
  return {
    status,
    stale: !status || now.getTime() - Date.parse(status.at) > 15_000,
    refusals: refusals
      .map((r) => ({ reason: r.reason as Refusal, count: r._count._all, until: r._min.until?.toISOString() ?? null }))
      .sort((a, b) => b.count - a.count),
  };
}
export type TaskDialingStatus = Awaited<ReturnType<typeof taskDialingStatus>>;

/** `visible`: the viewer's projects (null: all; ADR 106) — their tasks and calls only. */
export async function dialingSnapshot(visible: string[] | null, now = new Date()) {
  const today = new Date(now.getTime() - 24 * 3_600_000);
  const scope = visible ? { projectId: { in: visible } } : {};
  const [tasks, inFlight, agents, results] = await Promise.all([
    prisma.task.findMany({
      where: { status: 'running', ...scope },
      orderBy: { priority: 'desc' },
      select: { id: true, name: true, dialMode: true, channel: true },
    }),
    prisma.callAttempt.findMany({
      where: { endedAt: null, ...scope },
      orderBy: { queuedAt: 'desc' },
      take: 200,
      select: {
        id: true,
        taskId: true,
        contactId: true,
        state: true,
        mode: true,
        agentId: true,
        queuedAt: true,
        answeredAt: true,
      },
    }),
    prisma.agentPresence.findMany({ where: { NOT: { state: 'offline' } }, orderBy: { since: 'asc' } }),
    prisma.callAttempt.groupBy({ by: ['taskId', 'result'], where: { endedAt: { gte: today } }, _count: { _all: true } }),
  ]);
  const users = await prisma.user.findMany({
    where: { id: { in: agents.map((a) => a.userId) } },
    select: { id: true, displayName: true },
  });
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const contacts = await prisma.contact.findMany({
    where: { id: { in: inFlight.map((a) => a.contactId) } },
    select: { id: true, phoneMasked: true },
  });
  const masked = new Map(contacts.map((c) => [String(c.id), c.phoneMasked]));
  const taskViews = await Promise.all(
    tasks.map(async (t) => {
      const dialing = await taskDialingStatus(t.id, now);
      // The monitoring module's definitions: one abandon rate for the whole product.
      const tally = emptyTally();
      for (const r of results) if (r.taskId === t.id && r.result) addToTally(tally, r.result, r._count._all);
      return {
        ...t,
        ...dialing,
        inFlight: inFlight.filter((a) => a.taskId === t.id).length,
        connectedToday: connected(tally),
        abandonRateToday: abandonRate(tally) ?? 0,
      };
    }),
  );
  return {
    tasks: taskViews,
    calls: inFlight.map((a) => ({
      id: a.id,
      taskId: a.taskId,
      phone: masked.get(String(a.contactId)) ?? '',
      state: a.state,
      mode: a.mode,
      agent: a.agentId ? (names.get(a.agentId) ?? '') : '',
      since: (a.answeredAt ?? a.queuedAt).toISOString(),
    })),
    agents: agents.map((a) => ({
      userId: a.userId,
      name: names.get(a.userId) ?? a.userId,
      state: a.state,
      pauseReason: a.pauseReason,
      since: a.since.toISOString(),
      auto: a.auto,
    })),
  };
}
