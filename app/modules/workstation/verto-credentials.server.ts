import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import { decryptString, encryptString } from '../../utils/data-key.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { can } from '../auth/permissions';
import { readSetting, writeSetting } from '../system/settings.server';
import { readSwitchSetting } from './switch-setting.server';

// Per-agent Verto credentials (ADR 066). Each agent gets an extension from a configured range,
// kept for good, and a secret that lives a few hours: a new one at each workstation load (the
// previous one stops working). FreeSWITCH learns both from mod_xml_curl, which POSTs directory
// lookups to /freeswitch/directory; no shared password ever reaches a browser.

export const VERTO_SETTINGS_KEY = 'telephony.verto';

export const VertoSettingsSchema = z
  .object({
    extensionFrom: z.number().int().min(1).max(99_999_999).default(1000),
    extensionTo: z.number().int().min(1).max(99_999_999).default(1999),
    /** How long an issued secret works (hours). */
    credentialHours: z.number().min(1).max(72).default(12),
    /** FreeSWITCH dialplan context for calls an agent's softphone places. */
    context: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .default('waihu_agents'),
    /** The key mod_xml_curl sends with each lookup, sealed with the data key. */
    directoryKeySealed: z.string().optional(),
  })
  .refine((s) => s.extensionFrom <= s.extensionTo, {
    path: ['extensionTo'],
    message: 'The range ends before it starts',
  });

export type VertoSettings = z.infer<typeof VertoSettingsSchema>;

export async function vertoSettings(): Promise<VertoSettings> {
  const parsed = VertoSettingsSchema.safeParse((await readSetting(VERTO_SETTINGS_KEY)) ?? {});
  return parsed.success ? parsed.data : VertoSettingsSchema.parse({});
}

/** Saves the range, lifetime and context (the directory key is changed only by `rotateDirectoryKey`). */
export async function saveVertoSettings(actor: AuditActor, input: unknown) {
  const before = await vertoSettings();
  const parsed = VertoSettingsSchema.safeParse({ ...(input as object), directoryKeySealed: before.directoryKeySealed });
  if (!parsed.success)
    return { ok: false as const, errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  await writeSetting(VERTO_SETTINGS_KEY, stripUndefined(parsed.data));
  const { directoryKeySealed: _a, ...was } = before;
  const { directoryKeySealed: _b, ...now } = parsed.data;
  await audit(actor, 'telephony.verto.settings', VERTO_SETTINGS_KEY, { before: was, after: now });
  return { ok: true as const };
}

/** A new key for mod_xml_curl; returned once (to paste into xml_curl.conf.xml), stored sealed. */
export async function rotateDirectoryKey(actor: AuditActor): Promise<string> {
  const key = randomBytes(24).toString('base64url');
  const settings = await vertoSettings();
  await writeSetting(VERTO_SETTINGS_KEY, stripUndefined({ ...settings, directoryKeySealed: encryptString(key) }));
  await audit(actor, 'telephony.verto.directoryKey', VERTO_SETTINGS_KEY, { rotated: true });
  return key;
}

const stripUndefined = (o: object) => JSON.parse(JSON.stringify(o)) as Record<string, string | number>;

export interface IssuedCredential {
  extension: number;
  /** `<extension>@<domain>`, as Verto's login wants it. */
  login: string;
  password: string;
  expiresAt: string;
}

export class ExtensionRangeFull extends Error {}

/** The agent's extension: theirs if they have one, else the lowest free one in the range. */
async function extensionOf(userId: string, settings: VertoSettings): Promise<number> {
  for (let tries = 0; tries < 5; tries++) {
    const existing = await prisma.vertoCredential.findUnique({ where: { userId }, select: { extension: true } });
    if (existing) return existing.extension;
    const [free] = await prisma.$queryRaw<{ n: number }[]>`
      SELECT n FROM generate_series(${settings.extensionFrom}::int, ${settings.extensionTo}::int) AS n
      WHERE NOT EXISTS (SELECT 1 FROM "VertoCredential" v WHERE v.extension = n) ORDER BY n LIMIT 1`;
    if (!free) throw new ExtensionRangeFull(`No free extension in ${settings.extensionFrom}–${settings.extensionTo}`);
    // Two agents loading at once may pick the same number: the unique index decides, the loser retries.
    const created = await prisma.vertoCredential
      .create({ data: { userId, extension: free.n }, select: { extension: true } })
      .catch(() => null);
    if (created) return created.extension;
  }
  throw new ExtensionRangeFull('Could not allocate an extension');
}

/** Issues a fresh secret for the agent (the previous one stops working at once). */
export async function issueVertoCredential(userId: string, domain: string, now = new Date()): Promise<IssuedCredential> {
  const settings = await vertoSettings();
  const extension = await extensionOf(userId, settings);
  const password = randomBytes(18).toString('base64url');
  const expiresAt = new Date(now.getTime() + settings.credentialHours * 3_600_000);
  await prisma.vertoCredential.update({
    where: { userId },
    data: { secretSealed: encryptString(password), issuedAt: now, expiresAt, revokedAt: null },
  });
  return { extension, login: `${extension}@${domain}`, password, expiresAt: expiresAt.toISOString() };
}

/** Ends the agent's secret now (account disabled, device lost). Audited. */
export async function revokeVertoCredential(actor: AuditActor, userId: string, now = new Date()): Promise<boolean> {
  const { count } = await prisma.vertoCredential.updateMany({
    where: { userId, secretSealed: { not: null } },
    data: { secretSealed: null, revokedAt: now },
  });
  if (count) await audit(actor, 'telephony.verto.revoke', userId);
  return count > 0;
}

/** Every agent's extension and secret status, for the softphones page. */
export async function vertoCredentialList(now = new Date()) {
  const rows = await prisma.vertoCredential.findMany({ orderBy: { extension: 'asc' } });
  const users = await prisma.user.findMany({
    where: { id: { in: rows.map((r) => r.userId) } },
    select: { id: true, login: true, displayName: true },
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  return rows.map((r) => ({
    userId: r.userId,
    login: byId.get(r.userId)?.login ?? '',
    displayName: byId.get(r.userId)?.displayName ?? '',
    extension: r.extension,
    status:
      r.secretSealed && r.expiresAt && r.expiresAt > now
        ? ('valid' as const)
        : r.revokedAt
          ? ('revoked' as const)
          : ('expired' as const),
    expiresAt: r.expiresAt?.toISOString() ?? null,
  }));
}

// --- the mod_xml_curl directory ---

const NOT_FOUND = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<document type="freeswitch/xml">
  <section name="result">
    <result status="not found"/>
  </section>
</document>
`;

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Lookups that authenticate (the password is needed); others (user_call …) only need the user to exist. */
const AUTH_ACTIONS = new Set(['jsonrpc-authenticate', 'sip_auth']);

export interface DirectoryAnswer {
  status: number;
  body: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest();

/** Whether the key a request presents is the configured one (compared in constant time). */
async function keyMatches(presented: string | null): Promise<'ok' | 'wrong' | 'unset'> {
  const settings = await vertoSettings();
  if (!settings.directoryKeySealed) return 'unset';
  if (!presented) return 'wrong';
  let stored: string;
  try {
    stored = decryptString(settings.directoryKeySealed);
  } catch {
    // Sealed with another data key: as good as no key until an admin makes a new one.
    return 'unset';
  }
  return timingSafeEqual(sha(presented), sha(stored)) ? 'ok' : 'wrong';
}

/** The key from the `X-Waihu-Directory-Key` header, HTTP Basic (xml_curl's gateway-credentials) or a `key` field. */
export function presentedKey(request: Request, fields: Record<string, string>): string | null {
  const header = request.headers.get('x-waihu-directory-key');
  if (header) return header;
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.get('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return new URL(request.url).searchParams.get('key') ?? fields.key ?? null;
}

/** Answers one directory lookup from FreeSWITCH (form fields as mod_xml_curl posts them). */
export async function directoryLookup(
  fields: Record<string, string>,
  key: string | null,
  now = new Date(),
): Promise<DirectoryAnswer> {
  const check = await keyMatches(key);
  if (check === 'unset') return { status: 403, body: 'The FreeSWITCH directory is off: no directory key is configured.\n' };
  if (check === 'wrong') return { status: 401, body: 'Wrong or missing directory key.\n' };
  const found = await directoryUser(fields, now);
  return { status: 200, body: found ?? NOT_FOUND };
}

async function directoryUser(fields: Record<string, string>, now: Date): Promise<string | null> {
  if (fields.section !== 'directory') return null;
  const user = fields.user ?? '';
  const domain = fields.domain ?? '';
  if (!/^\d{1,8}$/.test(user) || !domain) return null;
  const sw = await readSwitchSetting();
  const configuredDomain = sw.kind === 'freeswitch' ? sw.freeswitch?.vertoDomain : undefined;
  if (configuredDomain && configuredDomain !== domain) return null;
  const credential = await prisma.vertoCredential.findUnique({ where: { extension: Number(user) } });
  if (!credential) return null;
  const owner = await prisma.user.findUnique({ where: { id: credential.userId }, select: { active: true, role: true } });
  if (!owner?.active || !can(owner.role, 'workstation.use')) return null;
  const authenticating = AUTH_ACTIONS.has(fields.action ?? '');
  const current = credential.secretSealed && credential.expiresAt && credential.expiresAt > now;
  if (authenticating && !current) return null;
  const settings = await vertoSettings();
  const params = [
    authenticating ? `<param name="password" value="${xml(decryptString(credential.secretSealed!))}"/>` : '',
    '<param name="jsonrpc-allowed-methods" value="verto"/>',
    `<param name="verto-context" value="${xml(settings.context)}"/>`,
    '<param name="verto-dialplan" value="XML"/>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: FreeSWITCH's own ${…} expansion, sent as is.
    '<param name="dial-string" value="${verto_contact(${dialed_user}@${dialed_domain})}"/>',
  ].filter(Boolean);
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<document type="freeswitch/xml">
  <section name="directory">
    <domain name="${xml(domain)}">
      <user id="${credential.extension}">
        <params>
          ${params.join('\n          ')}
        </params>
        <variables>
          <variable name="waihu_user_id" value="${xml(credential.userId)}"/>
          <variable name="user_context" value="${xml(settings.context)}"/>
        </variables>
      </user>
    </domain>
  </section>
</document>
`;
}

/** FreeSWITCH's autoload_configs/xml_curl.conf.xml pointing its directory at this Waihu. */
export function xmlCurlConfig(waihuUrl: string, key = 'PASTE-THE-DIRECTORY-KEY'): string {
  return `<configuration name="xml_curl.conf" description="Waihu agents' directory">
  <bindings>
    <binding name="waihu-directory">
      <param name="gateway-url" value="${xml(waihuUrl.replace(/\/$/, ''))}/freeswitch/directory" bindings="directory"/>
      <param name="gateway-credentials" value="freeswitch:${xml(key)}"/>
      <param name="auth-scheme" value="basic"/>
      <param name="timeout" value="5"/>
      <param name="disable-100-continue" value="true"/>
    </binding>
  </bindings>
</configuration>
`;
}

/**
 * The dial string that rings an agent's softphone, for the FreeSWITCH adapter's bridge
 * (`user/<extension>@<domain>`: resolved through this directory; `USER_NOT_REGISTERED` when the
 * agent's browser is not signed in). Null when the agent never opened the workstation on FreeSWITCH.
 */
export async function agentDialString(userId: string): Promise<string | null> {
  const sw = await readSwitchSetting();
  const domain = sw.kind === 'freeswitch' ? sw.freeswitch?.vertoDomain : undefined;
  const row = await prisma.vertoCredential.findUnique({ where: { userId }, select: { extension: true } });
  return row && domain ? `user/${row.extension}@${domain}` : null;
}
