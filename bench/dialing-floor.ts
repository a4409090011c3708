import { prisma } from '../app/db/prisma.server';
import { callableProject } from '../app/modules/dialing/testing.server';
import { sealPhone } from '../app/modules/lists/phone-vault.server';
import { TaskInputSchema } from '../app/modules/tasks/task-schema';
import { createTask, transitionTask } from '../app/modules/tasks/tasks.server';
import type { SimSwitchOptions } from '../app/telephony/sim/sim-switch';

// What the dialing benchmarks share: a project callable around the clock with `contacts` contacts
// (encrypted numbers, inserted in bulk), `agents` agents in one skill group, and a started
// predictive task over them; plus the sim switch's profile and trunks at the benchmark scale.

export const BENCH_ACTOR = { name: 'bench' };

/** The outcome profile and trunks bench:dialer and bench:load dial on (capacity far above the agents' needs). */
export function benchSwitchOptions(timeScale: number, seed: number | string = 1): SimSwitchOptions {
  return {
    profile: { answer: 0.45, busy: 0.1, noAnswer: 0.3, machine: 0.1, invalid: 0.05, ringMeanSec: 12, talkMeanSec: 90 },
    trunks: [
      { id: 'sim-e1-a', capacity: 2500 },
      { id: 'sim-e1-b', capacity: 2500 },
    ],
    timeScale,
    seed,
  };
}

export async function seedDialingFloor(options: { contacts: number; agents: number; loginPrefix?: string }) {
  const prefix = options.loginPrefix ?? 'bench';
  const project = await callableProject(BENCH_ACTOR, 'bench', () => ({ closingRule: { preset: 'onConnect' } }));
  for (let start = 0; start < options.contacts; start += 10_000) {
    const n = Math.min(10_000, options.contacts - start);
    const phones = Array.from({ length: n }, (_, i) => `+861390${String(start + i).padStart(7, '0')}`);
    const sealed = phones.map((p) => sealPhone(p));
    await prisma.$executeRaw`
      INSERT INTO "Contact" ("projectId", "name", "phoneHash", "phoneCipher", "phoneMasked", "phoneKind", "fields", "updatedAt")
      SELECT ${project.id}::uuid, '客户' || h.ord, h.hash, h.cipher, h.masked, 'mobile', '{"age": 70}'::jsonb, now()
      FROM unnest(${sealed.map((s) => s.hash)}::text[], ${sealed.map((s) => s.cipher)}::text[], ${sealed.map((s) => s.masked)}::text[])
           WITH ORDINALITY AS h(hash, cipher, masked, ord)`;
  }
  await prisma.$executeRaw`
    INSERT INTO "User" ("id", "login", "displayName", "role", "passwordHash", "updatedAt")
    SELECT gen_random_uuid(), ${prefix} || i, '坐席' || i, 'agent', 'x', now() FROM generate_series(1, ${options.agents}::int) AS i`;
  const group = await prisma.skillGroup.create({ data: { name: prefix } });
  await prisma.$executeRaw`
    INSERT INTO "SkillGroupMember" ("groupId", "userId", "proficiency")
    SELECT ${group.id}::uuid, "id", 3 FROM "User" WHERE "login" LIKE ${`${prefix}%`}`;
  await prisma.$executeRaw`ANALYZE`;
  const task = await createTask(
    BENCH_ACTOR,
    TaskInputSchema.parse({
      projectId: project.id,
      name: 'bench',
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'predictive',
      skillGroupIds: [group.id],
      pacing: { targetAbandonRate: 3, maxLinesPerAgent: 4 },
    }),
  );
  await transitionTask(BENCH_ACTOR, task.id, 'start');
  return { project, group, task };
}

/** The value at percentile `p` (0–100) of `xs`, rounded to 0.1. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 10) / 10;
}
