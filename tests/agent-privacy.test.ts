import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../app/modules/auth/session.server';
import { importFromApi } from '../app/modules/lists/api-import.server';
import { createApiKey } from '../app/modules/lists/api-keys.server';
import { createProject } from '../app/modules/projects/projects.server';
import { insertUser, request } from './helpers';
import { routeFiles } from './route-permissions';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 5).toString('base64');
const PHONES = ['13512340001', '13512340002', '13512340003'];
let projectId = '';

beforeAll(async () => {
  projectId = (await createProject({ name: 't' }, { name: '隐私', type: 'returnVisit', description: '' })).id;
  const { keyId } = { keyId: (await createApiKey({ name: 't' }, projectId, 'k', ['contacts.write'])).prefix };
  await importFromApi(
    projectId,
    keyId,
    PHONES.map((phone, i) => ({ name: `客户${i}`, phone })),
  );
});

/** A response's text; a live stream (server-sent events) is read for a moment, then closed. */
async function responseText(response: Response): Promise<string> {
  if (!response.headers.get('content-type')?.includes('text/event-stream')) return response.clone().text();
  const reader = response.body?.getReader();
  if (!reader) return '';
  let text = '';
  const stop = setTimeout(() => void reader.cancel(), 300);
  for (;;) {
    const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  clearTimeout(stop);
  return text;
}

describe('an agent never receives a full phone number', () => {
  it('through any loader or action of any route', async () => {
    const agent = await insertUser('agent');
    const cookie = (await createSession(request('/login'), agent.id)).split(';')[0]!;
    const seen: string[] = [];
    for (const file of routeFiles(path.resolve('app/routes'))) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, ((a: unknown) => Promise<unknown>) | undefined>;
      for (const kind of ['loader', 'action'] as const) {
        const handler = mod[kind];
        if (!handler) continue;
        const params = {
          projectId,
          contactId: '1',
          importId: crypto.randomUUID(),
          module: 'no-such-module',
          installationId: crypto.randomUUID(),
        };
        const req = request(`/x?full=1`, {
          method: kind === 'action' ? 'POST' : 'GET',
          cookie,
          headers: { 'content-type': 'application/json' },
          body: kind === 'action' ? '{}' : undefined,
        });
        const result = await handler({ request: req, params, context: {} }).catch((thrown: unknown) => thrown);
        const body =
          result instanceof Response
            ? await responseText(result)
            : JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
        seen.push(`${path.basename(file)} ${kind}: ${body ?? ''}`);
      }
    }
    const everything = seen.join('\n');
    for (const phone of PHONES) expect(everything).not.toContain(phone.slice(3));
    expect(seen.length).toBeGreaterThan(20);
  });
});
