import { prisma } from '../../db/prisma.server';

// Each agent's live state. The workstation sends heartbeats; an agent whose browser vanished is
// set offline after a timeout and never receives a call meanwhile. Reserving an agent for an
// answered call is one statement that locks the chosen row, so two calls never get one agent.

export const AGENT_STATES = ['offline', 'ready', 'reserved', 'talking', 'wrapUp', 'paused'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Seconds without a heartbeat after which an agent counts as gone. */
export const HEARTBEAT_TIMEOUT_SEC = 30;

export async function setAgentState(
  userId: string,
  state: AgentState,
  options: { pauseReason?: string | null; auto?: boolean } = {},
) {
  const now = new Date();
  const data = {
    state,
    since: now,
    heartbeatAt: now,
    pauseReason: state === 'paused' ? (options.pauseReason ?? null) : null,
    ...(state === 'ready' || state === 'offline' || state === 'paused' ? { attemptId: null } : {}),
    ...(options.auto !== undefined ? { auto: options.auto } : {}),
  };
  return prisma.agentPresence.upsert({ where: { userId }, create: { userId, ...data }, update: data });
}

export async function heartbeat(userId: string) {
  await prisma.agentPresence.updateMany({ where: { userId, NOT: { state: 'offline' } }, data: { heartbeatAt: new Date() } });
}

/** Agents whose browser stopped sending heartbeats go offline (auto-agents have no browser). */
export async function expireStaleAgents(now = new Date(), timeoutSec = HEARTBEAT_TIMEOUT_SEC): Promise<number> {
  const { count } = await prisma.agentPresence.updateMany({
    where: {
      auto: false,
      state: { in: ['ready', 'paused', 'reserved'] },
      heartbeatAt: { lt: new Date(now.getTime() - timeoutSec * 1000) },
    },
    data: { state: 'offline', since: now, attemptId: null },
  });
  return count;
}

const fresh = (now: Date) => new Date(now.getTime() - HEARTBEAT_TIMEOUT_SEC * 1000);

/** Ready and busy agents of the given skill groups (what the pacer needs to know). */
export async function agentCounts(groupIds: string[], now = new Date()): Promise<{ ready: number; busy: number }> {
  if (!groupIds.length) return { ready: 0, busy: 0 };
  const rows = await prisma.$queryRaw<{ state: string; n: number }[]>`
    SELECT p."state", count(DISTINCT p."userId")::int AS n FROM "AgentPresence" p
      JOIN "SkillGroupMember" m ON m."userId" = p."userId"
     WHERE m."groupId" = ANY(${groupIds}::uuid[]) AND (p."auto" OR p."heartbeatAt" >= ${fresh(now)})
     GROUP BY p."state"`;
  const n = (states: string[]) => rows.filter((r) => states.includes(r.state)).reduce((s, r) => s + r.n, 0);
  return { ready: n(['ready']), busy: n(['reserved', 'talking', 'wrapUp']) };
}

/**
 * Reserves the best ready agent of the groups for an answered call: highest proficiency, then the
 * longest idle. Returns the agent (and whether it is a demo auto-agent), or null when nobody is free.
 */
export async function reserveAgent(
  groupIds: string[],
  attemptId: string,
  now = new Date(),
): Promise<{ userId: string; auto: boolean } | null> {
  if (!groupIds.length) return null;
  const rows = await prisma.$queryRaw<{ userId: string; auto: boolean }[]>`
    UPDATE "AgentPresence" SET "state" = 'reserved', "attemptId" = ${attemptId}::uuid, "since" = ${now}
     WHERE "userId" = (
       SELECT p."userId" FROM "AgentPresence" p
         JOIN "SkillGroupMember" m ON m."userId" = p."userId"
        WHERE m."groupId" = ANY(${groupIds}::uuid[]) AND p."state" = 'ready'
          AND (p."auto" OR p."heartbeatAt" >= ${fresh(now)})
        ORDER BY m."proficiency" DESC, p."since" ASC
        LIMIT 1 FOR UPDATE OF p SKIP LOCKED)
    RETURNING "userId", "auto"`;
  return rows[0] ?? null;
}

/**
 * The agent's call ended: wrap-up, unless the agent already moved on (an auto-agent can finish its
 * wrap-up before the dialer has written the call's end). True when the agent is now in wrap-up.
 */
export async function enterWrapUp(userId: string, attemptId: string): Promise<boolean> {
  const { count } = await prisma.agentPresence.updateMany({
    where: { userId, attemptId, state: 'talking' },
    data: { state: 'wrapUp', since: new Date() },
  });
  return count === 1;
}

/**
 * A call the agent asked for ended without a conversation (or was never placed): they go back to
 * ready, or to the pause they were in when they asked. Returns the new state, or null when the
 * agent had already moved on.
 */
export async function releaseAgent(userId: string, attemptId: string): Promise<string | null> {
  const rows = await prisma.$queryRaw<{ state: string }[]>`
    UPDATE "AgentPresence"
       SET "state" = CASE WHEN "pauseReason" IS NULL THEN 'ready' ELSE 'paused' END, "attemptId" = NULL, "since" = now()
     WHERE "userId" = ${userId}::uuid AND "attemptId" = ${attemptId}::uuid AND "state" = 'reserved'
    RETURNING "state"`;
  return rows[0]?.state ?? null;
}

export async function presenceOf(userId: string) {
  return prisma.agentPresence.findUnique({ where: { userId } });
}
