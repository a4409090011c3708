import { beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { writeSetting } from '../system/settings.server';
import { softphoneMode } from './switch-setting.server';
import {
  agentDialString,
  directoryLookup,
  issueVertoCredential,
  revokeVertoCredential,
  rotateDirectoryKey,
  saveVertoSettings,
  vertoCredentialList,
  xmlCurlConfig,
} from './verto-credentials.server';

// Per-agent Verto credentials and the directory FreeSWITCH's mod_xml_curl reads them from.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 33).toString('base64');
const admin = { id: null, name: 'admin-test' };
const DOMAIN = 'pbx.example.test';
let key = '';

beforeAll(async () => {
  await writeSetting('telephony.switch', {
    kind: 'freeswitch',
    freeswitch: {
      eslHost: '127.0.0.1',
      eslPort: 8021,
      vertoUrl: 'wss://pbx.example.test:8082',
      vertoDomain: DOMAIN,
      amd: 'off',
      tts: { engine: 'none', voice: '' },
    },
  });
  key = await rotateDirectoryKey(admin);
});

const lookup = (user: string | number, action = 'jsonrpc-authenticate', domain = DOMAIN, k: string | null = key, at?: Date) =>
  directoryLookup({ section: 'directory', tag_name: 'domain', key_name: 'name', user: String(user), domain, action }, k, at);

const passwordIn = (xml: string) => /<param name="password" value="([^"]*)"\/>/.exec(xml)?.[1] ?? null;

describe('issuing credentials', () => {
  it('each agent gets their own extension from the range, kept across issues, and a new secret each time', async () => {
    const a = await insertUser('agent');
    const b = await insertUser('agent');
    const first = await issueVertoCredential(a.id, DOMAIN);
    const other = await issueVertoCredential(b.id, DOMAIN);
    const second = await issueVertoCredential(a.id, DOMAIN);
    expect(first.extension).toBeGreaterThanOrEqual(1000);
    expect(first.extension).toBeLessThanOrEqual(1999);
    expect(other.extension).not.toBe(first.extension);
    expect(second.extension).toBe(first.extension);
    expect(second.login).toBe(`${first.extension}@${DOMAIN}`);
    expect(second.password).not.toBe(first.password);
    expect(second.password.length).toBeGreaterThanOrEqual(20);
    // Stored sealed, never as the secret itself.
    const row = await prisma.vertoCredential.findUniqueOrThrow({ where: { userId: a.id } });
    expect(row.secretSealed).not.toContain(second.password);
  });

  it('the previous secret stops working when a new one is issued', async () => {
    const a = await insertUser('agent');
    const first = await issueVertoCredential(a.id, DOMAIN);
    expect(passwordIn((await lookup(first.extension)).body)).toBe(first.password);
    const second = await issueVertoCredential(a.id, DOMAIN);
    expect(passwordIn((await lookup(first.extension)).body)).toBe(second.password);
  });

  it('a secret expires after the configured hours; a revoked one is gone at once (audited)', async () => {
    const a = await insertUser('agent');
    const issuedAt = new Date('2026-11-24T08:00:00Z');
    const c = await issueVertoCredential(a.id, DOMAIN, issuedAt);
    expect(c.expiresAt).toBe('2026-11-24T20:00:00.000Z');
    expect(passwordIn((await lookup(c.extension, undefined, undefined, undefined, new Date('2026-11-24T19:59:00Z'))).body)).toBe(
      c.password,
    );
    const late = await lookup(c.extension, undefined, undefined, undefined, new Date('2026-11-24T20:00:01Z'));
    expect(late.body).toContain('<result status="not found"/>');

    const d = await issueVertoCredential(a.id, DOMAIN);
    expect(await revokeVertoCredential(admin, a.id)).toBe(true);
    expect((await lookup(d.extension)).body).toContain('not found');
    expect(await prisma.auditLog.count({ where: { action: 'telephony.verto.revoke', target: a.id } })).toBe(1);
    const listed = (await vertoCredentialList()).find((r) => r.userId === a.id);
    expect(listed?.status).toBe('revoked');
  });

  it('a full range is a clear error, and a changed range is validated and audited', async () => {
    expect(await saveVertoSettings(admin, { extensionFrom: 3000, extensionTo: 2000 })).toEqual({
      ok: false,
      errors: [{ path: 'extensionTo', message: 'The range ends before it starts' }],
    });
    expect((await saveVertoSettings(admin, { extensionFrom: 7000, extensionTo: 7000, credentialHours: 12 })).ok).toBe(true);
    const a = await insertUser('agent');
    const b = await insertUser('agent');
    expect((await issueVertoCredential(a.id, DOMAIN)).extension).toBe(7000);
    await expect(issueVertoCredential(b.id, DOMAIN)).rejects.toThrow('No free extension in 7000–7000');
    expect(await prisma.auditLog.count({ where: { action: 'telephony.verto.settings' } })).toBe(1);
    await saveVertoSettings(admin, {});
    // The directory key survives a settings save.
    expect((await lookup(1)).status).toBe(200);
  });
});

describe('the mod_xml_curl directory', () => {
  it('answers the agent with the current secret and Waihu user id; user_call lookups get no password', async () => {
    const a = await insertUser('agent');
    const c = await issueVertoCredential(a.id, DOMAIN);
    const auth = await lookup(c.extension);
    expect(auth.status).toBe(200);
    expect(auth.body).toContain(`<domain name="${DOMAIN}">`);
    expect(auth.body).toContain(`<user id="${c.extension}">`);
    expect(auth.body).toContain(`<variable name="waihu_user_id" value="${a.id}"/>`);
    expect(auth.body).toContain('<param name="jsonrpc-allowed-methods" value="verto"/>');
    expect(passwordIn(auth.body)).toBe(c.password);
    const call = await lookup(c.extension, 'user_call');
    expect(call.body).toContain(`<user id="${c.extension}">`);
    expect(passwordIn(call.body)).toBeNull();
  });

  it('unknown users, other domains, other sections and non-agents are "not found"', async () => {
    const a = await insertUser('agent');
    const c = await issueVertoCredential(a.id, DOMAIN);
    expect((await lookup(1999_9)).body).toContain('not found');
    expect((await lookup(c.extension, undefined, 'other.example.test')).body).toContain('not found');
    expect((await directoryLookup({ section: 'dialplan', user: String(c.extension), domain: DOMAIN }, key)).body).toContain(
      'not found',
    );
    await prisma.user.update({ where: { id: a.id }, data: { active: false } });
    expect((await lookup(c.extension)).body).toContain('not found');
  });

  it('with no key configured the directory is off', async () => {
    const { directoryKeySealed: _, ...rest } = (await prisma.setting.findUniqueOrThrow({ where: { key: 'telephony.verto' } }))
      .value as Record<string, unknown>;
    await writeSetting('telephony.verto', rest as Record<string, string>);
    expect((await lookup(1000)).status).toBe(403);
    key = await rotateDirectoryKey(admin);
    expect((await lookup(1000)).status).toBe(200);
  });
});

describe('what FreeSWITCH is told', () => {
  it('the dialer rings an agent at their directory user; xml_curl is pointed at this Waihu with the key', async () => {
    const a = await insertUser('agent');
    expect(await agentDialString(a.id)).toBeNull();
    const c = await issueVertoCredential(a.id, DOMAIN);
    expect(await agentDialString(a.id)).toBe(`user/${c.extension}@${DOMAIN}`);
    const conf = xmlCurlConfig('https://waihu.example.test/', 'k&y');
    expect(conf).toContain(
      '<param name="gateway-url" value="https://waihu.example.test/freeswitch/directory" bindings="directory"/>',
    );
    expect(conf).toContain('<param name="gateway-credentials" value="freeswitch:k&amp;y"/>');
  });
});

describe('the softphone mode', () => {
  it('is the sim line without a setting, Verto with a URL and domain, "not configured" without them', async () => {
    await prisma.setting.deleteMany({ where: { key: 'telephony.switch' } });
    expect(await softphoneMode()).toEqual({ kind: 'sim' });
    await writeSetting('telephony.switch', { kind: 'freeswitch', freeswitch: { vertoUrl: '', vertoDomain: DOMAIN } });
    expect(await softphoneMode()).toEqual({ kind: 'vertoUnconfigured' });
    await writeSetting('telephony.switch', { kind: 'freeswitch', freeswitch: { vertoUrl: 'wss://x:8082', vertoDomain: DOMAIN } });
    expect(await softphoneMode()).toEqual({ kind: 'verto', url: 'wss://x:8082', domain: DOMAIN });
    await writeSetting('telephony.switch', { kind: 'nonsense' });
    expect(await softphoneMode()).toEqual({ kind: 'sim' });
  });
});
