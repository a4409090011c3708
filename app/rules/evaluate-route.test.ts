import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, request } from '../../tests/helpers';
import { createSession } from '../modules/auth/session.server';
import { action } from '../routes/api.rules.evaluate';
import { closeSandboxPool } from './runtime.server';
import { AGENT_SAMPLES, AGENT_SCOPE, CONTACT_SAMPLES, CONTACT_SCOPE } from './samples';

// The editors' "test against sample data" endpoint: compile against the posted scope, run in the sandbox.

let cookie = '';
beforeAll(async () => {
  const user = await insertUser('supervisor');
  cookie = (await createSession(request('/login'), user.id)).split(';')[0]!;
});
afterAll(() => closeSandboxPool());

const post = (body: unknown) =>
  action({
    request: request('/api/rules/evaluate', {
      method: 'POST',
      cookie,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    params: {},
    context: {},
  });

describe('POST /api/rules/evaluate', () => {
  it('runs a formula on the sample rows', async () => {
    const reply = await post({
      kind: 'formula',
      source: 'success * 10 + talkMinutes * 0.5',
      scope: AGENT_SCOPE,
      rows: AGENT_SAMPLES,
    });
    expect(reply).toEqual({ ok: true, results: [275.25, 152.5, 0], errors: [null, null, null] });
  });

  it('returns the validation errors of a formula with their position', async () => {
    const reply = await post({
      kind: 'formula',
      source: 'success * 10 + talkMinute * 0.5',
      scope: AGENT_SCOPE,
      rows: AGENT_SAMPLES,
    });
    expect(reply).toMatchObject({
      ok: false,
      errors: [{ kind: 'unknownVariable', params: { suggestion: 'talkMinutes' }, line: 1, column: 16 }],
    });
  });

  it('runs a condition and reports per-row errors separately', async () => {
    const condition = { combinator: 'and', rules: [{ field: 'tags', operator: 'has', value: 'VIP' }] };
    const reply = await post({ kind: 'condition', condition, scope: CONTACT_SCOPE, rows: CONTACT_SAMPLES });
    expect(reply).toEqual({ ok: true, results: [true, false, false, true, false], errors: [null, null, null, null, null] });
  });

  it('refuses a malformed body or scope', async () => {
    expect(
      await post({
        kind: 'formula',
        source: '1',
        scope: { id: 'x', fields: [{ name: 'constructor.x', type: 'number' }] },
        rows: [],
      }),
    ).toMatchObject({ ok: false });
    expect(await post({ kind: 'shell', source: 'rm -rf /' })).toMatchObject({ ok: false });
  });
});
