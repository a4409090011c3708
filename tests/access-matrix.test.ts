import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { can, ROLES, type Role, type RouteAccess } from '../app/modules/auth/permissions';
import { createSession } from '../app/modules/auth/session.server';
import { API_SCOPES, type ApiScope, createApiKey, revokeApiKey } from '../app/modules/lists/api-keys.server';
import { createProject } from '../app/modules/projects/projects.server';
import { insertUser, request } from './helpers';
import { routeFiles, routeUrl } from './route-permissions';

// The access matrix (issue 12, ADR 108): every route file × loader/action × every role, anonymous,
// an expired session and a deactivated user's session, through the real handlers. The table below
// is written out by hand: a route whose declaration changes, or a role that gains or loses a
// permission, fails here until the table is changed with it (and the change reviewed).

type Entry = readonly [permission: RouteAccess, roles?: string] | readonly ['apiKey', ApiScope] | 'byModule';
const EXPECTED: Record<string, { loader?: Entry; action?: Entry }> = {
  '_app.$module.tsx': { loader: 'byModule' },
  '_app.account.tsx': {
    loader: ['account.self', 'admin supervisor agent developer auditor'],
    action: ['account.self', 'admin supervisor agent developer auditor'],
  },
  '_app.audit.tsx': { loader: ['audit.view', 'admin auditor'] },
  '_app.config._index.tsx': { loader: ['config.view', 'admin supervisor developer'] },
  '_app.config.health.tsx': { loader: ['system.health', 'admin supervisor developer'] },
  '_app.config.pause-reasons.tsx': { loader: ['tasks.manage', 'admin supervisor'], action: ['tasks.manage', 'admin supervisor'] },
  '_app.config.plugins.$installationId.tsx': {
    loader: ['plugins.manage', 'admin developer'],
    action: ['plugins.manage', 'admin developer'],
  },
  '_app.config.plugins._index.tsx': {
    loader: ['plugins.manage', 'admin developer'],
    action: ['plugins.manage', 'admin developer'],
  },
  '_app.config.rules.tsx': { loader: ['rules.test', 'admin supervisor developer'] },
  '_app.config.skills.tsx': { loader: ['projects.manage', 'admin supervisor'], action: ['projects.manage', 'admin supervisor'] },
  '_app.config.softphones.tsx': { loader: ['users.manage', 'admin'], action: ['users.manage', 'admin'] },
  '_app.config.switch.tsx': { loader: ['plugins.manage', 'admin developer'], action: ['plugins.manage', 'admin developer'] },
  '_app.config.users.tsx': { loader: ['users.manage', 'admin'], action: ['users.manage', 'admin'] },
  '_app.dashboard.tsx': { loader: ['dashboard.view', 'admin supervisor developer auditor'] },
  '_app.dialing.tsx': { loader: ['dialing.view', 'admin supervisor'] },
  '_app.lists._index.tsx': { loader: ['lists.view', 'admin supervisor'] },
  '_app.lists.dnc.tsx': { loader: ['lists.view', 'admin supervisor'], action: ['dnc.manage', 'admin supervisor'] },
  '_app.lists.tags.tsx': { loader: ['lists.view', 'admin supervisor'], action: ['projects.manage', 'admin supervisor'] },
  '_app.monitoring._index.tsx': { loader: ['monitoring.view', 'admin supervisor'] },
  '_app.monitoring.alerts.tsx': {
    loader: ['monitoring.view', 'admin supervisor'],
    action: ['monitoring.manage', 'admin supervisor'],
  },
  '_app.monitoring.rules.$ruleId.tsx': {
    loader: ['monitoring.view', 'admin supervisor'],
    action: ['monitoring.manage', 'admin supervisor'],
  },
  '_app.monitoring.rules._index.tsx': {
    loader: ['monitoring.view', 'admin supervisor'],
    action: ['monitoring.manage', 'admin supervisor'],
  },
  '_app.performance._index.tsx': { loader: ['performance.view', 'admin supervisor agent'] },
  '_app.performance.schemes.tsx': {
    loader: ['performance.manage', 'admin supervisor'],
    action: ['performance.manage', 'admin supervisor'],
  },
  '_app.projects.$projectId._index.tsx': {
    loader: ['projects.view', 'admin supervisor'],
    action: ['projects.manage', 'admin supervisor'],
  },
  '_app.projects.$projectId.contacts.tsx': {
    loader: ['lists.view', 'admin supervisor'],
    action: ['lists.import', 'admin supervisor'],
  },
  '_app.projects.$projectId.import.tsx': {
    loader: ['lists.import', 'admin supervisor'],
    action: ['lists.import', 'admin supervisor'],
  },
  '_app.projects.$projectId.keys.tsx': {
    loader: ['projects.manage', 'admin supervisor'],
    action: ['projects.manage', 'admin supervisor'],
  },
  '_app.projects.$projectId.products.tsx': {
    loader: ['projects.view', 'admin supervisor'],
    action: ['projects.manage', 'admin supervisor'],
  },
  '_app.projects.$projectId.tags.tsx': {
    loader: ['projects.view', 'admin supervisor'],
    action: ['projects.manage', 'admin supervisor'],
  },
  '_app.projects.$projectId.tsx': { loader: ['projects.view', 'admin supervisor'] },
  '_app.projects._index.tsx': { loader: ['projects.view', 'admin supervisor'], action: ['projects.manage', 'admin supervisor'] },
  '_app.questionnaires.$questionnaireId._index.tsx': {
    loader: ['questionnaires.view', 'admin supervisor'],
    action: ['questionnaires.manage', 'admin supervisor'],
  },
  '_app.questionnaires.$questionnaireId.stats.tsx': {
    loader: ['questionnaires.view', 'admin supervisor'],
    action: ['questionnaires.manage', 'admin supervisor'],
  },
  '_app.questionnaires._index.tsx': {
    loader: ['questionnaires.view', 'admin supervisor'],
    action: ['questionnaires.manage', 'admin supervisor'],
  },
  '_app.questionnaires.bank.tsx': {
    loader: ['questionnaires.view', 'admin supervisor'],
    action: ['questionnaires.manage', 'admin supervisor'],
  },
  '_app.reports.tsx': { loader: ['reports.view', 'admin supervisor auditor'] },
  '_app.tasks.$taskId.tsx': { loader: ['tasks.view', 'admin supervisor'], action: ['tasks.manage', 'admin supervisor'] },
  '_app.tasks._index.tsx': { loader: ['tasks.view', 'admin supervisor'] },
  '_app.tasks.agents.tsx': { loader: ['tasks.view', 'admin supervisor'], action: ['tasks.manage', 'admin supervisor'] },
  '_app.tasks.new.tsx': { loader: ['tasks.manage', 'admin supervisor'], action: ['tasks.manage', 'admin supervisor'] },
  '_app.tsx': { loader: ['signedIn'] as const },
  '_app.wrapup._index.tsx': { loader: ['wrapup.view', 'admin supervisor'], action: ['wrapup.manage', 'admin supervisor'] },
  '_app.wrapup.reviews.tsx': { loader: ['wrapup.view', 'admin supervisor'], action: ['wrapup.manage', 'admin supervisor'] },
  '_index.tsx': { loader: ['signedIn'] as const },
  'agent.call.ts': { action: ['workstation.use', 'agent'] },
  'agent.callbacks.ts': { loader: ['workstation.use', 'agent'], action: ['workstation.use', 'agent'] },
  'agent.dial.ts': { action: ['workstation.manualDial', 'agent'] },
  'agent.links.ts': { action: ['workstation.use', 'agent'] },
  'agent.live.ts': { loader: ['workstation.use', 'agent'] },
  'agent.pop.$attemptId.ts': { loader: ['workstation.use', 'agent'] },
  'agent.preview.ts': { loader: ['workstation.use', 'agent'], action: ['workstation.use', 'agent'] },
  'agent.script.ts': { action: ['workstation.use', 'agent'] },
  'agent.state.ts': { action: ['workstation.use', 'agent'] },
  'agent.tsx': { loader: ['workstation.use', 'agent'] },
  'agent.verto.ts': { action: ['workstation.use', 'agent'] },
  'agent.wrapup.ts': { loader: ['workstation.use', 'agent'], action: ['workstation.use', 'agent'] },
  'api.rules.evaluate.ts': { action: ['rules.test', 'admin supervisor developer'] },
  'api.v1.openapi[.]json.ts': { loader: ['public'] as const },
  'api.v1.projects.$projectId.calls.ts': { action: ['apiKey', 'calls.create'] },
  'api.v1.projects.$projectId.contacts.ts': { action: ['apiKey', 'contacts.write'] },
  'api.v1.projects.$projectId.dnc.ts': { action: ['apiKey', 'dnc.write'] },
  'config.plugins.$installationId.gateway-xml.ts': { loader: ['plugins.manage', 'admin developer'] },
  'freeswitch.directory.ts': { action: ['public'] as const },
  'healthz.ts': { loader: ['public'] as const },
  'live.dialing.ts': { loader: ['dialing.view', 'admin supervisor'] },
  'live.monitoring.ts': { loader: ['monitoring.view', 'admin supervisor'] },
  'login.tsx': { loader: ['public'] as const, action: ['public'] as const },
  'logout.ts': { loader: ['public'] as const, action: ['public'] as const },
  'metrics.ts': { loader: ['public'] as const },
  'monitoring.notifications.ts': {
    loader: ['monitoring.view', 'admin supervisor'],
    action: ['monitoring.view', 'admin supervisor'],
  },
  'performance.export.ts': { loader: ['performance.view', 'admin supervisor agent'] },
  'projects.$projectId.contacts.$contactId.phone.ts': { action: ['contacts.unmask', 'admin'] },
  'projects.$projectId.contacts.$contactId[.]json.ts': { loader: ['lists.view', 'admin supervisor'] },
  'projects.$projectId.contacts.export.ts': { loader: ['lists.export', 'admin supervisor'] },
  'projects.$projectId.contacts.save.ts': { action: ['lists.import', 'admin supervisor'] },
  'projects.$projectId.imports.$importId.rejections.ts': { loader: ['lists.import', 'admin supervisor'] },
  'projects.$projectId.upload.ts': { action: ['lists.import', 'admin supervisor'] },
  'questionnaires.$questionnaireId.versions.$versionId.export.ts': { loader: ['reports.export', 'admin supervisor'] },
  'readyz.ts': { loader: ['public'] as const },
  'reports.export.ts': { loader: ['reports.export', 'admin supervisor'] },
  's.$token.tsx': { loader: ['public'] as const, action: ['public'] as const },
  'set-language.ts': { loader: ['public'] as const, action: ['public'] as const },
};

/** Public routes that check a credential of their own (not a session): everyone without it is refused. */
const OWN_CREDENTIAL: Record<string, string> = {
  'freeswitch.directory.ts action': 'the shared directory key of the switch',
  'metrics.ts loader': 'loopback or the WAIHU_METRICS_TOKEN bearer token',
};

const ROUTES = path.resolve('app/routes');
type Subject = Role | 'anonymous' | 'expired' | 'deactivated';
type Handler = ((args: unknown) => Promise<unknown>) & { permission: unknown };

let projectId = '';
const users = {} as Record<Role, string>;
const deactivated = {} as Record<Role, string>;

beforeAll(async () => {
  projectId = (await createProject({ name: 't' }, { name: '矩阵', type: 'reminder', description: '' })).id;
  for (const role of ROLES) {
    users[role] = (await insertUser(role)).id;
    deactivated[role] = (await insertUser(role)).id;
    await prisma.user.update({ where: { id: deactivated[role] }, data: { active: false } });
  }
});

const PARAMS = () => ({
  projectId,
  installationId: crypto.randomUUID(),
  ruleId: crypto.randomUUID(),
  questionnaireId: crypto.randomUUID(),
  versionId: crypto.randomUUID(),
  taskId: crypto.randomUUID(),
  attemptId: crypto.randomUUID(),
  contactId: '999999',
  importId: crypto.randomUUID(),
  token: 'no-such-token',
  module: 'no-such-module',
});

/** A fresh cookie per call: sign-out ends the session it gets; expired ones are removed when seen. */
async function cookieFor(subject: Subject, role: Role): Promise<string | undefined> {
  if (subject === 'anonymous') return undefined;
  const userId = subject === 'deactivated' ? deactivated[role] : users[subject === 'expired' ? role : subject];
  const cookie = (await createSession(request('/login'), userId)).split(';')[0]!;
  if (subject === 'expired') {
    await prisma.session.updateMany({
      where: { userId, expiresAt: { gt: new Date() } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
  }
  return cookie;
}

interface Outcome {
  status: number;
  location: string | null;
}

async function call(
  handler: Handler,
  url: string,
  kind: 'loader' | 'action',
  params: object,
  init: { cookie?: string; headers?: Record<string, string> },
): Promise<Outcome> {
  const req = request(url, {
    method: kind === 'action' ? 'POST' : 'GET',
    cookie: init.cookie,
    headers: { 'content-type': 'application/json', ...init.headers },
    body: kind === 'action' ? '{}' : undefined,
  });
  const result = await handler({ request: req, params, context: {} }).catch((thrown: unknown) => thrown);
  if (result instanceof Response) {
    await result.body?.cancel().catch(() => {});
    return { status: result.status, location: result.headers.get('location') };
  }
  if (result instanceof Error) return { status: 500, location: `${result.name}: ${result.message}` };
  return { status: 200, location: null };
}

/** A refusal: 401, 403, or being sent to sign in (sign-out's own redirect to /login is not one). */
const denied = (o: Outcome) => o.status === 401 || o.status === 403 || (o.location ?? '').startsWith('/login?redirectTo=');

describe('access matrix', () => {
  it('the table names every route file, and every route declares exactly what the table says', async () => {
    const files = routeFiles(ROUTES).map((f) => path.basename(f));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const file of files) {
      const mod = (await import(pathToFileURL(path.join(ROUTES, file)).href)) as Record<string, Handler | undefined>;
      for (const kind of ['loader', 'action'] as const) {
        const entry = EXPECTED[file]![kind];
        const declared = mod[kind]?.permission;
        expect(declared === undefined, `${file} has a ${kind}: ${declared !== undefined}`).toBe(entry === undefined);
        if (!entry) continue;
        if (entry === 'byModule') expect(typeof declared, file).toBe('function');
        else if (entry[0] === 'apiKey') expect(declared, `${file} ${kind}`).toEqual({ apiKey: entry[1] });
        else {
          expect(declared, `${file} ${kind}`).toBe(entry[0]);
          // The roles written here are the roles the permission table grants.
          if (entry[1] !== undefined)
            expect(ROLES.filter((r) => can(r, entry[0] as RouteAccess)).join(' '), `${file} ${kind} roles`).toBe(entry[1]);
        }
      }
    }
  });

  it('every role, anonymous, an expired session and a deactivated user against every session route', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const file of Object.keys(EXPECTED)) {
      const mod = (await import(pathToFileURL(path.join(ROUTES, file)).href)) as Record<string, Handler | undefined>;
      for (const kind of ['loader', 'action'] as const) {
        const entry = EXPECTED[file]![kind];
        const handler = mod[kind];
        if (!entry || !handler || (entry !== 'byModule' && entry[0] === 'apiKey')) continue;
        const params = PARAMS();
        const url = routeUrl(file, params);
        const allowedRoles = entry === 'byModule' ? [] : ROLES.filter((r) => can(r, entry[0] as RouteAccess));
        const api = url.startsWith('/api/');
        for (const subject of [...ROLES, 'anonymous', 'expired', 'deactivated'] as Subject[]) {
          // An expired or deactivated session is tried with a role the route would otherwise let in.
          const role = allowedRoles[0] ?? 'admin';
          const outcome = await call(handler, url, kind, params, { cookie: await cookieFor(subject, role) });
          const label = `${file} ${kind} as ${subject}: ${outcome.status} ${outcome.location ?? ''}`;
          checked++;
          if (entry === 'byModule') {
            // Every module is built: an unknown module segment is 404 for everyone, signed in or not.
            if (outcome.status !== 404) failures.push(`${label} (expected 404)`);
            continue;
          }
          const access = entry[0];
          const signedIn = (ROLES as readonly string[]).includes(subject);
          if (access === 'public') {
            const own = OWN_CREDENTIAL[`${file} ${kind}`];
            if (own ? !(outcome.status === 401 || outcome.status === 403) : denied(outcome) || outcome.status >= 500)
              failures.push(`${label} (public${own ? `, needs ${own}` : ''})`);
          } else if (!signedIn) {
            // Pages and their resource routes send a missing session to sign in; /api/ answers 401.
            const ok = api
              ? outcome.status === 401
              : outcome.status === 302 && outcome.location === `/login?redirectTo=${encodeURIComponent(url)}`;
            if (!ok) failures.push(`${label} (expected ${api ? '401' : 'redirect to sign in'})`);
          } else if (can(subject as Role, access)) {
            // Allowed: anything but a refusal; a missing id may be 400/404, never a crash.
            if (denied(outcome) || outcome.status >= 500) failures.push(`${label} (expected allowed)`);
          } else if (outcome.status !== 403) failures.push(`${label} (expected 403)`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(900);
  });
});

describe('public API (/api/v1): only a live key of the project with the scope', () => {
  it('no key, a wrong key, a revoked key, a key without the scope, another project’s key, a session: all refused', async () => {
    const other = (await createProject({ name: 't' }, { name: '别的', type: 'survey', description: '' })).id;
    const admin = (await createSession(request('/login'), users.admin)).split(';')[0]!;
    const failures: string[] = [];
    for (const file of Object.keys(EXPECTED)) {
      const entry = EXPECTED[file]!.action;
      if (!entry || entry === 'byModule' || entry[0] !== 'apiKey') continue;
      const scope = entry[1] as ApiScope;
      const handler = ((await import(pathToFileURL(path.join(ROUTES, file)).href)) as Record<string, Handler>).action!;
      const url = routeUrl(file, { projectId });
      const key = async (project: string, scopes: ApiScope[]) => (await createApiKey({ name: 't' }, project, 'k', scopes)).key;
      const revoked = await createApiKey({ name: 't' }, projectId, 'old', [scope]);
      await revokeApiKey({ name: 't' }, projectId, revoked.id);
      const cases: [string, Record<string, string>, number][] = [
        ['no key', {}, 401],
        ['a session cookie and no key', { cookie: admin }, 401],
        ['a malformed key', { authorization: 'Bearer hello' }, 401],
        ['a wrong key', { authorization: `Bearer wh_${'0'.repeat(12)}_${'x'.repeat(32)}` }, 401],
        ['a revoked key', { authorization: `Bearer ${revoked.key}` }, 401],
        [
          'a key without the scope',
          {
            authorization: `Bearer ${await key(
              projectId,
              API_SCOPES.filter((s) => s !== scope),
            )}`,
          },
          403,
        ],
        ['another project’s key', { authorization: `Bearer ${await key(other, [scope])}` }, 403],
      ];
      for (const [name, headers, expected] of cases) {
        const outcome = await call(handler, url, 'action', { projectId }, { headers });
        if (outcome.status !== expected) failures.push(`${file} with ${name}: ${outcome.status}, expected ${expected}`);
      }
      const allowed = await call(
        handler,
        url,
        'action',
        { projectId },
        { headers: { authorization: `Bearer ${await key(projectId, [scope])}` } },
      );
      if (denied(allowed) || allowed.status >= 500) failures.push(`${file} with the right key: ${allowed.status}`);
    }
    expect(failures).toEqual([]);
  });
});
