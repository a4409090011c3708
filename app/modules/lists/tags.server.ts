import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { TAG_COLORS } from './tag-colors';

export const TagSchema = z.object({
  name: z.string().trim().min(1).max(30),
  color: z.enum(TAG_COLORS),
  group: z.string().trim().max(30).default(''),
});

/** Every tag in the catalogue or in use, with how many contacts carry it. */
export async function tagCatalogue() {
  const [entries, used] = await Promise.all([
    prisma.tag.findMany({ orderBy: [{ group: 'asc' }, { name: 'asc' }] }),
    prisma.$queryRaw<{ tag: string; count: bigint }[]>`
      SELECT t AS tag, count(*) AS count FROM "Contact", unnest("tags") t WHERE "deletedAt" IS NULL GROUP BY t`,
  ]);
  const counts = new Map(used.map((u) => [u.tag, Number(u.count)]));
  const rows = entries.map((e) => ({
    name: e.name,
    color: e.color,
    group: e.group,
    inCatalogue: true,
    contacts: counts.get(e.name) ?? 0,
  }));
  for (const [name, contacts] of counts) {
    if (!entries.some((e) => e.name === name)) rows.push({ name, color: 'default', group: '', inCatalogue: false, contacts });
  }
  return rows.sort((a, b) => a.group.localeCompare(b.group) || b.contacts - a.contacts || a.name.localeCompare(b.name));
}

export async function saveTag(actor: AuditActor, input: z.infer<typeof TagSchema>) {
  await prisma.tag.upsert({ where: { name: input.name }, create: input, update: { color: input.color, group: input.group } });
  await audit(actor, 'tag.save', input.name, input);
}

/** Tag name → colour, for showing tags the way the catalogue says. */
export async function tagColors(): Promise<Record<string, string>> {
  const entries = await prisma.tag.findMany({ select: { name: true, color: true } });
  return Object.fromEntries(entries.map((e) => [e.name, e.color]));
}
