import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testFreeswitchConnection } from './test-connection.server';
import { loadRecording, type ReplayServer, recordedConfig, replayServer, untilWrite } from './testing';

let server: ReplayServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('test connection (settings page)', () => {
  it('connects, authenticates and reports the version and gateways', async () => {
    // The recorded session: auth, subscription, `api status`, `api sofia status`.
    const api = loadRecording('esl-api-commands.jsonl');
    const noSubscription = untilWrite(api, 4).filter((_, i) => i !== 3 && i !== 4);
    server = await replayServer([noSubscription]);
    const result = await testFreeswitchConnection(recordedConfig(server.port));
    expect(result).toEqual({ ok: true, version: '1.11.1-release', gateways: [] });
    expect(server.written[0]).toEqual(['auth ClueCon\n\n', 'api status\n\n', 'api sofia status\n\n', 'exit\n\n']);
  });

  it('a wrong password: not ok, and the error says so', async () => {
    server = await replayServer([loadRecording('esl-auth-bad-password.jsonl')]);
    const result = await testFreeswitchConnection(recordedConfig(server.port, { eslPassword: 'not-the-password' }));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/authentication .* refused \(-ERR invalid\): check the event socket password/);
  });

  it('nothing listening: not ok, with a hint', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const result = await testFreeswitchConnection(recordedConfig(port));
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED.*mod_event_socket/) });
  });
});
