import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';

import type { ApiScope } from './api-scopes';

export { API_SCOPES, type ApiScope } from './api-scopes';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Creates a key and returns it once: `wh_<prefix>_<secret>`; only the hash is stored. */
export async function createApiKey(actor: AuditActor, projectId: string, name: string, scopes: ApiScope[]) {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const key = `wh_${prefix}_${secret}`;
  const row = await prisma.apiKey.create({
    data: { projectId, name, prefix, hash: sha256(key), scopes, createdById: actor.id ?? null },
  });
  await audit(actor, 'apiKey.create', row.id, { projectId, name, prefix, scopes });
  return { id: row.id, prefix, key };
}

export async function revokeApiKey(actor: AuditActor, projectId: string, id: string): Promise<void> {
  await prisma.apiKey.updateMany({ where: { id, projectId, revokedAt: null }, data: { revokedAt: new Date() } });
  await audit(actor, 'apiKey.revoke', id, { projectId });
}

export async function listApiKeys(projectId: string) {
  const rows = await prisma.apiKey.findMany({ where: { projectId }, orderBy: { createdAt: 'desc' } });
  return rows.map(({ hash: _hash, ...r }) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

export type ApiKeyCheck = { ok: true; keyId: string; projectId: string } | { ok: false; status: 401 | 403; error: string };

/** `Authorization: Bearer wh_…`: a live key of this project with the scope. */
export async function checkApiKey(request: Request, projectId: string, scope: ApiScope): Promise<ApiKeyCheck> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer (wh_([0-9a-f]{12})_[\w-]{20,64})$/.exec(header.trim());
  if (!match) return { ok: false, status: 401, error: 'api_key_missing' };
  const key = await prisma.apiKey.findUnique({ where: { prefix: match[2]! } });
  const valid = key && timingSafeEqual(Buffer.from(key.hash), Buffer.from(sha256(match[1]!)));
  if (!key || !valid || key.revokedAt) return { ok: false, status: 401, error: 'api_key_invalid' };
  if (key.projectId !== projectId || !key.scopes.includes(scope)) return { ok: false, status: 403, error: 'api_key_forbidden' };
  await prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
  return { ok: true, keyId: key.id, projectId };
}
