import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES, type Role, type RouteAccess } from '../app/modules/auth/permissions';
import { createSession } from '../app/modules/auth/session.server';
import { insertUser, request } from './helpers';
import { findUndeclaredRoutes, routeFiles } from './route-permissions';

const ROUTES = path.resolve('app/routes');

describe('route permissions', () => {
  it('every route in app/routes declares its permission', async () => {
    expect(routeFiles(ROUTES).length).toBeGreaterThan(10);
    expect(await findUndeclaredRoutes(ROUTES)).toEqual([]);
  });

  it('the check catches routes that declare nothing (its own fixture)', async () => {
    const problems = await findUndeclaredRoutes(path.resolve('tests/fixtures/routes-missing-permission'));
    expect(problems).toEqual([
      { file: 'component-only.tsx', problem: 'exports neither a loader nor an action, so it declares no permission' },
      { file: 'plain-loader.tsx', problem: 'its loader is not wrapped in withPermission()' },
      { file: 'unguarded-action.ts', problem: 'its action is not wrapped in withPermission()' },
    ]);
  });
});

// Params for routes whose permission depends on the URL: every module is built now, so a module
// segment the navigation does not know is a 404 for everyone (signed in or not).
const PARAMS: Record<string, Record<string, string>> = { '_app.$module.tsx': { module: 'no-such-module' } };

describe('every role against every route', () => {
  const users = {} as Record<Role, string>;
  beforeAll(async () => {
    for (const role of ROLES) users[role] = (await insertUser(role)).id;
  });
  // A fresh session per call: the logout action ends the one it is given.
  const cookieFor = async (role: Role) => (await createSession(request('/login'), users[role])).split(';')[0]!;

  it('a role without the permission gets 403, a role with it never does; anonymous is sent to sign in', async () => {
    let checked = 0;
    for (const file of routeFiles(ROUTES)) {
      const mod = (await import(pathToFileURL(file).href)) as Record<
        string,
        ((args: unknown) => Promise<unknown>) & { permission: unknown }
      >;
      const name = path.basename(file);
      const params = PARAMS[name] ?? {};
      for (const kind of ['loader', 'action'] as const) {
        const handler = mod[kind];
        if (!handler) continue;
        const declared = handler.permission;
        if (typeof declared === 'object' && declared !== null && 'apiKey' in declared) {
          // API-key routes: a browser session is no key; everyone without one gets 401.
          const status = await handler({
            request: request('/api/x', { method: 'POST', body: '{}' }),
            params: { projectId: crypto.randomUUID() },
            context: {},
          }).then((r) => (r instanceof Response ? r.status : 200));
          expect(status, `${name} ${kind} without a key`).toBe(401);
          checked++;
          continue;
        }
        const access = (typeof declared === 'function' ? declared({ params }) : declared) as RouteAccess;
        for (const role of [...ROLES, null]) {
          const req = request('/x', {
            method: kind === 'action' ? 'POST' : 'GET',
            cookie: role ? await cookieFor(role) : undefined,
            headers: { 'content-type': 'application/json' },
            body: kind === 'action' ? '{}' : undefined,
          });
          const status = await handler({ request: req, params, context: {} }).then(
            () => 200,
            (thrown: unknown) => (thrown instanceof Response ? thrown.status : 500),
          );
          const expected =
            access === null ? 404 : role === null ? (access === 'public' ? 'any' : 302) : can(role, access) ? 'any' : 403;
          const label = `${name} ${kind} as ${role ?? 'anonymous'} (${access})`;
          if (expected === 'any') expect([200, 302, 400, 404], label).toContain(status);
          else expect(status, label).toBe(expected);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});
