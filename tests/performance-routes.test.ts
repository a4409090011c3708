import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { createSession } from '../app/modules/auth/session.server';
import { defaultConfig } from '../app/modules/performance/scheme-schema';
import { saveScheme } from '../app/modules/performance/schemes.server';
import { saveSkillGroup } from '../app/modules/projects/skill-groups.server';
import { loader as boardLoader } from '../app/routes/_app.performance._index';
import { action as schemesAction, loader as schemesLoader } from '../app/routes/_app.performance.schemes';
import { loader as exportLoader } from '../app/routes/performance.export';
import { insertUser, request } from './helpers';

// The agent's view through the routes themselves: own figures only, whatever the URL asks.

let schemeId = '';
const users: Record<string, { id: string; login: string; cookie: string }> = {};
const cookieOf = async (id: string) => (await createSession(request('/login'), id)).split(';')[0]!;

beforeAll(async () => {
  for (const name of ['me', 'colleague'] as const) {
    const u = await insertUser('agent');
    users[name] = { ...u, cookie: await cookieOf(u.id) };
  }
  const sup = await insertUser('supervisor');
  users.sup = { ...sup, cookie: await cookieOf(sup.id) };
  const team = await saveSkillGroup(
    { name: 't' },
    {
      name: `组${randomUUID().slice(0, 4)}`,
      description: '',
      members: [users.me!, users.colleague!].map((u) => ({ userId: u.id, proficiency: 3 })),
    },
  );
  const now = new Date();
  // The colleague has a call today; "me" has none.
  await prisma.callAttempt.create({
    data: {
      taskId: randomUUID(),
      projectId: randomUUID(),
      contactId: 1n,
      rulesVersion: 1,
      mode: 'predictive',
      agentId: users.colleague!.id,
      queuedAt: now,
      connectedAt: now,
      talkSec: 600,
      result: 'connected',
    },
  });
  const saved = await saveScheme(
    { name: 't' },
    {
      name: '时长',
      scopeKind: 'team',
      projectId: null,
      skillGroupId: team.id,
      timeZone: 'Asia/Shanghai',
      active: true,
      config: { ...defaultConfig('talkTime'), showRank: false },
    },
  );
  schemeId = saved.ok ? saved.id : '';
});

const call = (loader: typeof boardLoader | typeof exportLoader, path: string, cookie: string) =>
  loader({ request: request(path, { cookie }), params: {}, context: {} });

describe('the performance routes', () => {
  it('show a supervisor every agent with their figures', async () => {
    const page = (await call(boardLoader, `/performance?scheme=${schemeId}`, users.sup!.cookie)) as Awaited<
      ReturnType<typeof boardLoader>
    >;
    expect(page.board?.rows.map((r) => [r.login, r.rank, r.figures.talkSec])).toEqual([
      [users.colleague!.login, 1, 600],
      [users.me!.login, 2, 0],
    ]);
  });

  it('show an agent only their own row, without a rank when the scheme hides it, and nothing of a colleague', async () => {
    const page = (await call(boardLoader, `/performance?scheme=${schemeId}&period=month`, users.me!.cookie)) as Awaited<
      ReturnType<typeof boardLoader>
    >;
    expect(page.board?.rows.map((r) => [r.agentId, r.rank])).toEqual([[users.me!.id, null]]);
    expect(page.board?.ranked).toBeNull();
    expect(page.canManage).toBe(false);
    const sent = JSON.stringify(page);
    expect(sent).not.toContain(users.colleague!.id);
    expect(sent).not.toContain(users.colleague!.login);
    expect(sent).not.toContain('600');
  });

  it('export an agent’s own row only, audited', async () => {
    const response = (await call(
      exportLoader,
      `/performance/export?scheme=${schemeId}&format=csv`,
      users.me!.cookie,
    )) as Response;
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="performance-.*\.csv"/);
    const text = await response.text();
    expect(text).toContain(users.me!.login);
    expect(text).not.toContain(users.colleague!.login);
    expect(await prisma.auditLog.count({ where: { action: 'performance.export', actorId: users.me!.id } })).toBe(1);
    const xlsx = (await call(exportLoader, `/performance/export?scheme=${schemeId}&format=xlsx`, users.sup!.cookie)) as Response;
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
  });

  it('refuse a bad custom period with a clear error and keep scheme management to managers', async () => {
    const page = (await call(
      boardLoader,
      `/performance?scheme=${schemeId}&period=custom&from=2026-05-02&to=2026-05-01`,
      users.sup!.cookie,
    )) as Awaited<ReturnType<typeof boardLoader>>;
    expect(page.error).toBe('order');
    const bad = (await call(
      exportLoader,
      `/performance/export?scheme=${schemeId}&period=custom&from=x&to=y`,
      users.sup!.cookie,
    )) as Response;
    expect(bad.status).toBe(400);
    await expect(
      schemesLoader({ request: request('/performance/schemes', { cookie: users.me!.cookie }), params: {}, context: {} }),
    ).rejects.toMatchObject({
      status: 403,
    });
    const post = (body: unknown) =>
      schemesAction({
        request: request('/performance/schemes', {
          method: 'POST',
          cookie: users.sup!.cookie,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        params: {},
        context: {},
      });
    expect(await post({ intent: 'save', scheme: { name: 'x' } })).toMatchObject({
      ok: false,
      problems: [
        { field: 'scopeKind', key: 'shape' },
        { field: 'config', key: 'shape' },
      ],
    });
    expect(await post({ intent: 'test', config: defaultConfig('successes'), samples: [{ successes: 4 }] })).toMatchObject({
      ok: true,
      breakdowns: [{ score: 4 }],
    });
  });
});
