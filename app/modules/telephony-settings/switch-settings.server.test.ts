import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.WAIHU_DATA_KEY = randomBytes(32).toString('base64');

import { prisma } from '../../db/prisma.server';
import { callHook, createInstallation, saveConfig } from '../../plugins/installations.server';
import { dialableTask } from '../dialing/testing.server';
import { pluginEslApi } from './esl-bridge.server';
import {
  readSwitchSettings,
  runningDialers,
  saveSwitchSettings,
  switchSecrets,
  switchView,
  testSwitchConnection,
} from './switch-settings.server';

// Frames recorded from FreeSWITCH 1.11.1 (shared/fixtures/freeswitch/esl-api-commands.jsonl lines 1,
// 3, 7, 9 and esl-auth-bad-password.jsonl line 3), replayed byte for byte.
const AUTH_REQUEST = 'Content-Type: auth/request\n\n';
const AUTH_OK = 'Content-Type: command/reply\nReply-Text: +OK accepted\n\n';
const AUTH_BAD =
  'Content-Type: command/reply\nReply-Text: -ERR invalid\n\nContent-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
const STATUS =
  'Content-Type: api/response\nContent-Length: 341\n\nUP 0 years, 0 days, 1 hour, 29 minutes, 30 seconds, 239 milliseconds, 526 microseconds\nFreeSWITCH (Version 1.11.1-release  64bit) is ready\n166 session(s) since startup\n0 session(s) - peak 29, last 5min 4 \n0 session(s) per Sec out of max 30, peak 35, last 5min 5 \n1000 session(s) max\nmin idle cpu 0.00/99.20\nCurrent Stack Size/Max 240K/8192K\n';
const SOFIA_STATUS =
  'Content-Type: api/response\nContent-Length: 471\n\n                     Name\t   Type\t                                      Data\tState\n=================================================================================================\n                127.0.0.1\t  alias\t                                  internal\tALIASED\n                 internal\tprofile\t              sip:mod_sofia@127.0.0.1:5060\tRUNNING (0)\n=================================================================================================\n1 profile 1 alias\n';

const actor = { name: 'tester', ip: '127.0.0.1' };
let server: net.Server;
let port = 0;
const received: string[] = [];

beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.write(AUTH_REQUEST);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const command = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        received.push(command.startsWith('auth ') ? 'auth ***' : command);
        if (command === 'auth ClueCon') socket.write(AUTH_OK);
        else if (command.startsWith('auth ')) socket.end(AUTH_BAD);
        else if (command === 'api status') {
          // The body arrives in two reads, as FreeSWITCH's do under load.
          socket.write(STATUS.slice(0, 90));
          setTimeout(() => socket.write(STATUS.slice(90)), 20);
        } else if (command === 'api sofia status') socket.write(SOFIA_STATUS);
        else if (command === 'exit') socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const form = (over: Record<string, unknown> = {}) => ({
  kind: 'freeswitch',
  eslHost: '127.0.0.1',
  eslPort: port,
  eslPassword: 'ClueCon',
  vertoUrl: 'wss://fs.example.com:8082',
  vertoDomain: 'fs.example.com',
  amd: 'avmd',
  recordingPath: '/var/lib/freeswitch/recordings/waihu',
  ttsEngine: 'flite',
  ttsVoice: 'slt',
  ...over,
});

async function audits(action: string) {
  return prisma.auditLog.findMany({ where: { action }, orderBy: { at: 'asc' } });
}

describe('switch settings', () => {
  it('starts on the simulator', async () => {
    expect(await readSwitchSettings()).toEqual({ kind: 'sim' });
    expect(await switchView()).toMatchObject({ kind: 'sim', eslPasswordStored: false });
  });

  it('rejects bad fields with their names and stores nothing', async () => {
    const out = await saveSwitchSettings(
      actor,
      form({
        eslPort: 70000,
        vertoUrl: 'ws://fs.example.com:8081',
        eslHost: 'bad host!',
        ttsVoice: 'a|b',
        recordingPath: 'relative/dir',
      }),
    );
    expect(out).toEqual({
      ok: false,
      errors: {
        eslPort: 'telephony.errors.port',
        vertoUrl: 'telephony.errors.wssRequired',
        eslHost: 'telephony.errors.host',
        ttsVoice: 'telephony.errors.ttsName',
        recordingPath: 'telephony.errors.path',
      },
    });
    expect(await saveSwitchSettings(actor, form({ eslPassword: '' }))).toEqual({
      ok: false,
      errors: { eslPassword: 'telephony.errors.required' },
    });
    expect(await readSwitchSettings()).toEqual({ kind: 'sim' });
    expect(await audits('telephony.switch.save')).toHaveLength(0);
  });

  it('allows ws:// only for a loopback Verto address', async () => {
    expect(await saveSwitchSettings(actor, form({ vertoUrl: 'ws://127.0.0.1:8081' }))).toEqual({ ok: true });
    expect(await saveSwitchSettings(actor, form({ vertoUrl: 'http://fs.example.com' }))).toMatchObject({
      errors: { vertoUrl: 'telephony.errors.vertoUrl' },
    });
  });

  it('stores the exact shape with sealed secrets, keeps them when left empty, and audits without them', async () => {
    expect(await saveSwitchSettings(actor, form())).toEqual({ ok: true });
    const stored = await readSwitchSettings();
    expect(stored).toEqual({
      kind: 'freeswitch',
      freeswitch: {
        eslHost: '127.0.0.1',
        eslPort: port,
        eslPasswordSealed: expect.stringMatching(/^v1:/),
        vertoUrl: 'wss://fs.example.com:8082',
        vertoDomain: 'fs.example.com',
        amd: 'avmd',
        recordingPath: '/var/lib/freeswitch/recordings/waihu',
        tts: { engine: 'flite', voice: 'slt' },
      },
    });
    expect(await switchSecrets()).toEqual({ eslPassword: 'ClueCon' });
    const view = await switchView();
    expect(view).toMatchObject({ eslPasswordStored: true });
    expect(JSON.stringify(view)).not.toMatch(/ClueCon|v1:/);

    expect(await saveSwitchSettings(actor, form({ eslPassword: '', amd: 'amd' }))).toEqual({ ok: true });
    expect(await switchSecrets()).toEqual({ eslPassword: 'ClueCon' });
    expect((await readSwitchSettings()).freeswitch?.amd).toBe('amd');

    const saves = await audits('telephony.switch.save');
    expect(saves.at(-2)?.details).toMatchObject({
      kind: 'freeswitch',
      eslPort: port,
      secretsChanged: ['eslPassword'],
    });
    expect(saves.at(-1)?.details).toMatchObject({ amd: 'amd', secretsChanged: [] });
    expect(JSON.stringify(saves.map((s) => s.details))).not.toMatch(/ClueCon|v1:/);
  });

  it('choosing the simulator keeps the FreeSWITCH block for later', async () => {
    expect(await saveSwitchSettings(actor, { kind: 'sim' })).toEqual({ ok: true });
    const stored = await readSwitchSettings();
    expect(stored.kind).toBe('sim');
    expect(stored.freeswitch?.eslHost).toBe('127.0.0.1');
    expect(await saveSwitchSettings(actor, { kind: 'pbx' })).toEqual({ ok: false, errors: { kind: 'telephony.errors.kind' } });
  });
});

describe('test connection', () => {
  it('reports the version and the gateways, with the stored password when none is typed', async () => {
    const out = await testSwitchConnection(actor, { eslHost: '127.0.0.1', eslPort: port, eslPassword: '' });
    expect(out).toEqual({ ok: true, result: { ok: true, version: '1.11.1-release', gateways: [] } });
    expect(received.slice(-4)).toEqual(['auth ***', 'api status', 'api sofia status', 'exit']);
  });

  it('says when the password is wrong, nothing listens, or the port is invalid; every test is audited without the password', async () => {
    const bad = await testSwitchConnection(actor, { eslHost: '127.0.0.1', eslPort: port, eslPassword: 'not-the-password' });
    expect(bad).toMatchObject({
      ok: true,
      result: { ok: false, error: expect.stringContaining('refused (-ERR invalid): check the event socket password') },
    });
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await testSwitchConnection(actor, { eslHost: '127.0.0.1', eslPort: deadPort, eslPassword: 'x' });
    expect(refused).toMatchObject({
      ok: true,
      result: {
        ok: false,
        error: expect.stringContaining(`nothing listens on 127.0.0.1:${deadPort} (is mod_event_socket loaded?)`),
      },
    });
    expect(await testSwitchConnection(actor, { eslHost: '127.0.0.1', eslPort: 0 })).toEqual({
      ok: false,
      errors: { eslPort: 'telephony.errors.port' },
    });
    const tests = await audits('telephony.switch.test');
    expect(tests.map((t) => (t.details as { ok: boolean }).ok)).toEqual([true, false, false]);
    expect(JSON.stringify(tests.map((t) => t.details))).not.toContain('not-the-password');
  });
});

describe('Event Socket for plugins', () => {
  it('runs allowed status commands on the configured switch and refuses anything else', async () => {
    await saveSwitchSettings(actor, form({ eslPassword: '' }));
    expect(await pluginEslApi('status')).toContain('FreeSWITCH (Version 1.11.1-release  64bit) is ready');
    await expect(pluginEslApi('originate sofia/gateway/x/1 &park()')).rejects.toThrow(/not allowed for plugins/);
    await expect(pluginEslApi('sofia status gateway a; hupall')).rejects.toThrow(/not allowed/);
  });

  it('reaches the freeswitch-gateway health check through the sandbox, and fails clearly on the simulator', async () => {
    const row = await createInstallation(actor, 'freeswitch-gateway', 'Carrier A');
    await expect(
      saveConfig(actor, row.id, {
        auth: 'register',
        username: 'u',
        gateways: [{ name: 'gw', proxy: 'sip.example', capacity: 30 }],
      }),
    ).rejects.toMatchObject({
      code: 'invalid_config',
      fields: { password: 'required when the gateway registers' },
    });
    await saveConfig(actor, row.id, { auth: 'ip', gateways: [{ name: 'gw', proxy: 'sip.example', capacity: 30 }] });
    await saveSwitchSettings(actor, { kind: 'sim' });
    const out = await callHook(row.id, 'healthCheck', [], { allowDisabled: true });
    expect(out.ok).toBe(false);
    expect(out.error).toContain('the switch is the embedded simulator');
  });
});

describe('running dialers', () => {
  it('shows when each dialer that owns a task started, from the connection holding the task lock', async () => {
    expect(await runningDialers()).toEqual([]);
    const { taskId } = await dialableTask(3, '1390009');
    const locks = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locks.connect();
    try {
      // The statement dialer.server.ts takes a task with.
      await locks.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`waihu:task:${taskId}`]);
      const dialers = await runningDialers();
      expect(dialers).toHaveLength(1);
      expect(dialers[0]?.tasks).toBe(1);
      expect(dialers[0]?.startedAt).toBeInstanceOf(Date);
    } finally {
      await locks.end();
    }
    expect(await runningDialers()).toEqual([]);
  });
});
