import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { agentCounts, expireStaleAgents, reserveAgent, setAgentState } from './presence.server';

let groupId = '';
const agents: string[] = [];

beforeAll(async () => {
  for (let i = 0; i < 4; i++) agents.push((await insertUser('agent')).id);
  const group = await prisma.skillGroup.create({
    data: {
      name: `presence-${randomUUID()}`,
      members: { create: agents.map((userId, i) => ({ userId, proficiency: i === 1 ? 5 : 3 })) },
    },
  });
  groupId = group.id;
});

describe('agent presence', () => {
  it('reserves each ready agent at most once, best proficiency first, never a paused one', async () => {
    await setAgentState(agents[0] as string, 'ready');
    await setAgentState(agents[1] as string, 'ready');
    await setAgentState(agents[2] as string, 'ready');
    await setAgentState(agents[3] as string, 'paused', { pauseReason: 'break' });
    expect(await agentCounts([groupId])).toEqual({ ready: 3, busy: 0 });
    const first = await reserveAgent([groupId], randomUUID());
    expect(first).toEqual({ userId: agents[1], auto: false });
    const rest = await Promise.all(Array.from({ length: 5 }, () => reserveAgent([groupId], randomUUID())));
    const got = rest.flatMap((r) => (r ? [r.userId] : []));
    expect(got).toHaveLength(2);
    expect(new Set(got).size).toBe(2);
    expect(got).not.toContain(agents[3]);
    expect(await agentCounts([groupId])).toEqual({ ready: 0, busy: 3 });
  });

  it('an agent whose browser vanished goes offline and receives no call', async () => {
    await setAgentState(agents[0] as string, 'ready');
    const later = new Date(Date.now() + 60_000);
    expect(await reserveAgent([groupId], randomUUID(), later)).toBeNull();
    expect(await expireStaleAgents(later)).toBeGreaterThanOrEqual(1);
    expect((await prisma.agentPresence.findUniqueOrThrow({ where: { userId: agents[0] } })).state).toBe('offline');
  });
});
