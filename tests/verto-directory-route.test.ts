import { beforeAll, describe, expect, it } from 'vitest';
import { writeSetting } from '../app/modules/system/settings.server';
import { issueVertoCredential, rotateDirectoryKey } from '../app/modules/workstation/verto-credentials.server';
import { action as directoryRoute } from '../app/routes/freeswitch.directory';
import { insertUser, request } from './helpers';

// /freeswitch/directory as FreeSWITCH's mod_xml_curl calls it: a form POST, no browser session,
// the shared directory key in a header, HTTP Basic (xml_curl's gateway-credentials) or a field.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 34).toString('base64');
const DOMAIN = 'pbx.example.test';
let key = '';

beforeAll(async () => {
  await writeSetting('telephony.switch', {
    kind: 'freeswitch',
    freeswitch: { vertoUrl: 'wss://pbx.example.test:8082', vertoDomain: DOMAIN },
  });
  key = await rotateDirectoryKey({ id: null, name: 'admin-test' });
});

const passwordIn = (xml: string) => /<param name="password" value="([^"]*)"\/>/.exec(xml)?.[1] ?? null;

describe('the directory route', () => {
  it('the route refuses a wrong or missing key, and takes it as a header, HTTP Basic or a key field', async () => {
    const a = await insertUser('agent');
    const c = await issueVertoCredential(a.id, DOMAIN);
    const form = (extra: Record<string, string> = {}) =>
      new URLSearchParams({
        section: 'directory',
        user: String(c.extension),
        domain: DOMAIN,
        action: 'jsonrpc-authenticate',
        ...extra,
      });
    const post = (body: URLSearchParams, headers: Record<string, string> = {}) =>
      directoryRoute({
        request: request('/freeswitch/directory', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        }),
        params: {},
        context: {},
      });
    expect((await post(form())).status).toBe(401);
    expect((await post(form({ key: 'not-the-key' }))).status).toBe(401);
    const byField = await post(form({ key }));
    expect(byField.status).toBe(200);
    expect(byField.headers.get('content-type')).toContain('text/xml');
    expect(passwordIn(await byField.text())).toBe(c.password);
    expect((await post(form(), { 'x-waihu-directory-key': key })).status).toBe(200);
    const basic = `Basic ${Buffer.from(`freeswitch:${key}`).toString('base64')}`;
    expect((await post(form(), { authorization: basic })).status).toBe(200);
  });
});
