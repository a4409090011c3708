import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';

process.env.WAIHU_DATA_KEY = randomBytes(32).toString('base64');

import { insertUser, request } from '../../tests/helpers';
import { createSession } from '../modules/auth/session.server';
import { action as listAction, loader as listLoader } from '../routes/_app.config.plugins._index';
import { action as installationAction, loader as installationLoader } from '../routes/_app.config.plugins.$installationId';

let cookie: string;

beforeAll(async () => {
  const user = await insertUser('developer');
  cookie = (await createSession(request('/login'), user.id)).split(';')[0] as string;
});

const post = (body: unknown) =>
  request('/config/plugins', {
    method: 'POST',
    cookie,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('plugin routes', () => {
  it('installs via the list action, and the detail action validates config on the server', async () => {
    const installed = (await listAction({
      request: post({ intent: 'install', pluginId: 'webhook-crm', name: 'Dev CRM' }),
      params: {},
      context: {},
    })) as Response;
    expect(installed.status).toBe(302);
    const id = installed.headers.get('location')?.split('/').at(-1) as string;
    const params = { installationId: id };

    const bad = await installationAction({
      request: post({ intent: 'saveConfig', config: { baseUrl: 'ftp://x', hmacSecret: 'short', batchSize: 0 } }),
      params,
      context: {},
    });
    expect(bad).toMatchObject({
      ok: false,
      errors: { baseUrl: expect.any(String), hmacSecret: expect.any(String), batchSize: expect.any(String) },
    });

    const good = await installationAction({
      request: post({ intent: 'saveConfig', config: { baseUrl: 'https://crm.example.com', hmacSecret: 'a-long-enough-secret' } }),
      params,
      context: {},
    });
    expect(good).toEqual({ ok: true, intent: 'saveConfig' });

    const data = (await installationLoader({ request: post(null), params, context: {} })) as Awaited<
      ReturnType<typeof installationLoader>
    >;
    expect(JSON.stringify(data)).not.toContain('a-long-enough-secret');
    expect(data.secretsSet).toEqual(['hmacSecret']);
    expect(data.allowedOrigins).toEqual(['https://crm.example.com']);

    expect(await installationAction({ request: post({ intent: 'bogus' }), params, context: {} })).toMatchObject({ ok: false });
    const enabled = await listAction({ request: post({ intent: 'setEnabled', id, enabled: true }), params: {}, context: {} });
    expect(enabled).toEqual({ ok: true, intent: 'setEnabled' });
    const list = (await listLoader({ request: post(null), params: {}, context: {} })) as Awaited<ReturnType<typeof listLoader>>;
    expect(list.installations.find((i) => i.id === id)?.enabled).toBe(true);
    expect(list.plugins.map((p) => p.id)).toContain('webhook-crm');
  });

  it('answers unknown installations with 404, not 500', async () => {
    const status = await installationAction({
      request: post({ intent: 'healthCheck' }),
      params: { installationId: '00000000-0000-4000-8000-000000000000' },
      context: {},
    }).then(
      () => 200,
      (thrown: unknown) => (thrown instanceof Response ? thrown.status : 500),
    );
    expect(status).toBe(404);
  });
});
