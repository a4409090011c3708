import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { maskPhone, normalizePhone } from './phone';
import { phoneHash, sealToken } from './phone-vault.server';

// Do-not-call (免打扰): global or per project, matched by phone HMAC. An entry is committed before
// the caller is told it is done, and matching contacts are marked in the same transaction, so an
// opt-out is never acknowledged and then lost.

export type DncScope = 'global' | string;
export type DncSource = 'manual' | 'file' | 'api' | 'wrapup';

export interface DncResult {
  added: number;
  already: number;
  contactsMarked: number;
  invalid: { value: string; reason: string }[];
}

/** A tokenised number as the business system knows it: its token, and its own hash of the number if it has one. */
export interface DncToken {
  token: string;
  systemHash?: string;
}

/**
 * The lookup hashes a token entry covers. A tokenised contact is stored under the system's hash
 * when it came with one, else under an HMAC of the token; an entry given both covers either way.
 */
function tokenHashes(t: DncToken): { hash: string; masked: string }[] {
  const byToken = sealToken(t.token);
  const out = [{ hash: byToken.hash, masked: byToken.masked }];
  if (t.systemHash) out.push({ hash: sealToken(t.token, t.systemHash).hash, masked: byToken.masked });
  return out;
}

export async function addToDnc(
  actor: AuditActor,
  scope: DncScope,
  values: string[],
  source: DncSource,
  note?: string,
  tokens: DncToken[] = [],
): Promise<DncResult> {
  const invalid: DncResult['invalid'] = [];
  const entries = new Map<string, string>();
  for (const value of values) {
    const phone = normalizePhone(value);
    if (phone.ok) entries.set(phoneHash(phone.e164), maskPhone(phone.e164));
    else if (value.trim()) invalid.push({ value: value.slice(0, 40), reason: phone.reason });
  }
  for (const token of tokens) {
    if (!token.token.trim()) continue;
    for (const { hash, masked } of tokenHashes({ ...token, token: token.token.trim() })) entries.set(hash, masked);
  }
  const hashes = [...entries.keys()];
  const result = await prisma.$transaction(async (tx) => {
    const created = await tx.dncEntry.createMany({
      data: hashes.map((hash) => ({
        scope,
        phoneHash: hash,
        phoneMasked: entries.get(hash)!,
        source,
        note: note ?? null,
        createdBy: actor.name,
      })),
      skipDuplicates: true,
    });
    const marked = await tx.contact.updateMany({
      where: { phoneHash: { in: hashes }, dnc: false, ...(scope === 'global' ? {} : { projectId: scope }) },
      data: { dnc: true },
    });
    return { added: created.count, already: hashes.length - created.count, contactsMarked: marked.count };
  });
  await audit(actor, 'dnc.add', scope, { ...result, source, invalid: invalid.length, tokens: tokens.length });
  return { ...result, invalid };
}

export async function removeFromDnc(actor: AuditActor, id: bigint): Promise<boolean> {
  const entry = await prisma.dncEntry.findUnique({ where: { id } });
  if (!entry) return false;
  await prisma.$transaction(async (tx) => {
    await tx.dncEntry.delete({ where: { id } });
    // Contacts stay marked while another entry (global, or their project's) still covers the number.
    const remaining = await tx.dncEntry.findMany({ where: { phoneHash: entry.phoneHash }, select: { scope: true } });
    if (remaining.some((r) => r.scope === 'global')) return;
    await tx.contact.updateMany({
      where: {
        phoneHash: entry.phoneHash,
        dnc: true,
        projectId: { notIn: remaining.map((r) => r.scope) },
        ...(entry.scope === 'global' ? {} : { projectId: entry.scope }),
      },
      data: { dnc: false },
    });
  });
  await audit(actor, 'dnc.remove', entry.scope, { id: String(id), masked: entry.phoneMasked });
  return true;
}

/** `visible`: the viewer's projects (null or absent: all) — the global list and theirs (ADR 106). */
export async function listDnc(query: { page: number; pageSize: number; scope?: string; visible?: string[] | null }) {
  const where = {
    AND: [query.scope ? { scope: query.scope } : {}, query.visible ? { scope: { in: ['global', ...query.visible] } } : {}],
  };
  const [rows, total] = await Promise.all([
    prisma.dncEntry.findMany({ where, orderBy: { id: 'desc' }, skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    prisma.dncEntry.count({ where }),
  ]);
  return {
    total,
    rows: rows.map((r) => ({
      id: String(r.id),
      scope: r.scope,
      phoneMasked: r.phoneMasked,
      source: r.source,
      note: r.note,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

/** For the dialer's compliance gate: is this number (or token: a contact's stored `phoneHash`) blocked for this project? */
export async function isDoNotCall(projectId: string, hash: string): Promise<boolean> {
  return (await prisma.dncEntry.count({ where: { phoneHash: hash, scope: { in: ['global', projectId] } } })) > 0;
}
