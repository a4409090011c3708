// Cross-project access (issue 12, item 4; ADR 106): a supervisor given project A is answered
// "not found" for project B by every route that takes a project, task, questionnaire, contact or
// import id — and the same request for A succeeds, so each denial is the scoping at work.
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { createSession } from '../app/modules/auth/session.server';
import { publishLive } from '../app/modules/dialing/live.server';
import { importFromApi } from '../app/modules/lists/api-import.server';
import { createApiKey } from '../app/modules/lists/api-keys.server';
import { addToDnc } from '../app/modules/lists/dnc.server';
import { watchersOf } from '../app/modules/monitoring/alerts.server';
import { defaultConfig, type SchemeInput } from '../app/modules/performance/scheme-schema';
import { saveScheme } from '../app/modules/performance/schemes.server';
import { createProject } from '../app/modules/projects/projects.server';
import { createQuestionnaire } from '../app/modules/questionnaires/questionnaires.server';
import { TaskInputSchema } from '../app/modules/tasks/task-schema';
import { createTask, transitionTask } from '../app/modules/tasks/tasks.server';
import { createUser, setProjectAccess } from '../app/modules/users/users.server';
import * as usersPage from '../app/routes/_app.config.users';
import * as dialingPage from '../app/routes/_app.dialing';
import * as listsIndex from '../app/routes/_app.lists._index';
import * as dncPage from '../app/routes/_app.lists.dnc';
import * as wallboard from '../app/routes/_app.monitoring._index';
import * as alertsPage from '../app/routes/_app.monitoring.alerts';
import * as rulesIndex from '../app/routes/_app.monitoring.rules._index';
import * as rulePage from '../app/routes/_app.monitoring.rules.$ruleId';
import * as performancePage from '../app/routes/_app.performance._index';
import * as schemesPage from '../app/routes/_app.performance.schemes';
import * as projectsIndex from '../app/routes/_app.projects._index';
import * as projectLayout from '../app/routes/_app.projects.$projectId';
import * as projectPage from '../app/routes/_app.projects.$projectId._index';
import * as contactsPage from '../app/routes/_app.projects.$projectId.contacts';
import * as importPage from '../app/routes/_app.projects.$projectId.import';
import * as projectKeys from '../app/routes/_app.projects.$projectId.keys';
import * as projectProducts from '../app/routes/_app.projects.$projectId.products';
import * as projectTags from '../app/routes/_app.projects.$projectId.tags';
import * as questionnairesIndex from '../app/routes/_app.questionnaires._index';
import * as questionnairePage from '../app/routes/_app.questionnaires.$questionnaireId._index';
import * as questionnaireStats from '../app/routes/_app.questionnaires.$questionnaireId.stats';
import * as reportsPage from '../app/routes/_app.reports';
import * as tasksIndex from '../app/routes/_app.tasks._index';
import * as taskPage from '../app/routes/_app.tasks.$taskId';
import * as newTask from '../app/routes/_app.tasks.new';
import * as writeBacks from '../app/routes/_app.wrapup._index';
import * as reviews from '../app/routes/_app.wrapup.reviews';
import * as apiContacts from '../app/routes/api.v1.projects.$projectId.contacts';
import * as liveDialing from '../app/routes/live.dialing';
import * as contactPhone from '../app/routes/projects.$projectId.contacts.$contactId.phone';
import * as contactJson from '../app/routes/projects.$projectId.contacts.$contactId[.]json';
import * as contactsExport from '../app/routes/projects.$projectId.contacts.export';
import * as contactSave from '../app/routes/projects.$projectId.contacts.save';
import * as rejections from '../app/routes/projects.$projectId.imports.$importId.rejections';
import * as upload from '../app/routes/projects.$projectId.upload';
import * as versionExport from '../app/routes/questionnaires.$questionnaireId.versions.$versionId.export';
import * as reportsExport from '../app/routes/reports.export';
import { insertUser, request, TEST_PASSWORD } from './helpers';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 7).toString('base64');

type Handler = (args: { request: Request; params: Record<string, string>; context: unknown }) => Promise<unknown>;
type Side = {
  projectId: string;
  contactId: string;
  taskId: string;
  questionnaireId: string;
  versionId: string;
  importId: string;
};

const actor = { id: null, name: 'test' };
const A = {} as Side;
const B = {} as Side;
let scopedId = '';
let scoped = '';
let everyProject = '';
let admin = '';

async function side(name: string, phone: string): Promise<Side> {
  const project = await createProject(actor, { name, type: 'returnVisit', description: '' });
  await importFromApi(project.id, 'k', [{ name: `${name}客户`, phone }]);
  const contact = await prisma.contact.findFirstOrThrow({ where: { projectId: project.id } });
  const task = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: project.id,
      name: `${name}任务`,
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'preview',
      assignment: { mode: 'even' },
    }),
  );
  const q = await createQuestionnaire(actor, { projectId: project.id, name: `${name}问卷` });
  const version = await prisma.questionnaireVersion.create({
    data: {
      questionnaireId: q.id,
      version: 1,
      graph: (await prisma.questionnaire.findUniqueOrThrow({ where: { id: q.id } })).draft as object,
    },
  });
  const job = await prisma.contactImport.create({
    data: { projectId: project.id, fileName: 'a.csv', filePath: '/nonexistent', format: 'csv', mapping: {} },
  });
  return {
    projectId: project.id,
    contactId: String(contact.id),
    taskId: task.id,
    questionnaireId: q.id,
    versionId: version.id,
    importId: job.id,
  };
}

async function cookieOf(userId: string) {
  return (await createSession(request('/login'), userId)).split(';')[0]!;
}

beforeAll(async () => {
  Object.assign(A, await side('甲', '13700000001'));
  Object.assign(B, await side('乙', '13700000002'));
  const { user } = await createUser(
    actor,
    { login: 'sup-a', displayName: 'A', role: 'supervisor', locale: null, timeZone: 'Asia/Shanghai' },
    TEST_PASSWORD,
    { allProjects: false, projectIds: [A.projectId] },
  );
  scopedId = user.id;
  scoped = await cookieOf(user.id);
  // Created without a choice (the seed, the command line): sees every project.
  const all = await createUser(
    actor,
    { login: 'sup-all', displayName: 'All', role: 'supervisor', locale: null, timeZone: 'Asia/Shanghai' },
    TEST_PASSWORD,
  );
  everyProject = await cookieOf(all.user.id);
  // Only administrators unmask phone numbers, and they see every project: the URL is still checked.
  admin = await cookieOf((await insertUser('admin')).id);
});

/** The HTTP status a route answers (a thrown Response included; a plain object is 200). */
async function status(
  handler: unknown,
  params: Record<string, string>,
  init: { cookie: string; method?: string; body?: unknown; path?: string },
): Promise<number> {
  const req = request(init.path ?? '/x', {
    method: init.method ?? 'GET',
    cookie: init.cookie,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
  });
  try {
    const result = await (handler as Handler)({ request: req, params, context: {} });
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

/** [name, handler, params of a side, request] for every id-taking route; all must deny B. */
const ROUTES: [string, unknown, (s: Side) => Record<string, string>, { method?: string; body?: unknown; path?: string }][] = [
  ['project layout', projectLayout.loader, (s) => ({ projectId: s.projectId }), {}],
  ['project page', projectPage.loader, (s) => ({ projectId: s.projectId }), {}],
  ['project page action', projectPage.action, (s) => ({ projectId: s.projectId }), { method: 'POST', body: {} }],
  ['contacts page', contactsPage.loader, (s) => ({ projectId: s.projectId }), {}],
  ['contacts bulk action', contactsPage.action, (s) => ({ projectId: s.projectId }), { method: 'POST', body: {} }],
  ['contact json', contactJson.loader, (s) => ({ projectId: s.projectId, contactId: s.contactId }), {}],
  ['contacts export', contactsExport.loader, (s) => ({ projectId: s.projectId }), {}],
  ['contact save', contactSave.action, (s) => ({ projectId: s.projectId }), { method: 'POST', body: {} }],
  ['import page', importPage.loader, (s) => ({ projectId: s.projectId }), {}],
  ['import action', importPage.action, (s) => ({ projectId: s.projectId }), { method: 'POST', body: {} }],
  ['upload', upload.action, (s) => ({ projectId: s.projectId }), { method: 'POST', path: '/x?fileName=a.csv' }],
  ['rejections', rejections.loader, (s) => ({ projectId: s.projectId, importId: s.importId }), {}],
  ['api keys', projectKeys.loader, (s) => ({ projectId: s.projectId }), {}],
  ['products', projectProducts.loader, (s) => ({ projectId: s.projectId }), {}],
  ['project tags', projectTags.loader, (s) => ({ projectId: s.projectId }), {}],
  ['task page', taskPage.loader, (s) => ({ taskId: s.taskId }), {}],
  ['task action', taskPage.action, (s) => ({ taskId: s.taskId }), { method: 'POST', body: {} }],
  ['questionnaire page', questionnairePage.loader, (s) => ({ questionnaireId: s.questionnaireId }), {}],
  [
    'questionnaire action',
    questionnairePage.action,
    (s) => ({ questionnaireId: s.questionnaireId }),
    { method: 'POST', body: {} },
  ],
  ['questionnaire stats', questionnaireStats.loader, (s) => ({ questionnaireId: s.questionnaireId }), {}],
  [
    'questionnaire version export',
    versionExport.loader,
    (s) => ({ questionnaireId: s.questionnaireId, versionId: s.versionId }),
    {},
  ],
];

describe('a supervisor of project A', () => {
  it.each(ROUTES)('is answered 404 for project B by: %s (and not for A)', async (_name, handler, params, init) => {
    expect(await status(handler, params(B), { ...init, cookie: scoped })).toBe(404);
    expect(await status(handler, params(A), { ...init, cookie: scoped })).not.toBe(404);
  });

  it('cannot reach B’s contact or import through A’s URL (a nested id must belong to the project)', async () => {
    const tampered = { projectId: A.projectId, contactId: B.contactId };
    expect(await status(contactJson.loader, tampered, { cookie: scoped })).toBe(404);
    expect(await status(contactPhone.action, tampered, { cookie: admin, method: 'POST' })).toBe(404);
    const own = { projectId: B.projectId, contactId: B.contactId };
    expect(await status(contactPhone.action, own, { cookie: admin, method: 'POST' })).toBe(200);
    const job = { projectId: A.projectId, importId: B.importId };
    expect(await status(rejections.loader, job, { cookie: scoped })).toBe(404);
    // …even a supervisor of every project: the nested id is checked against the URL's project.
    expect(await status(contactJson.loader, tampered, { cookie: everyProject })).toBe(404);
    expect(await status(rejections.loader, job, { cookie: everyProject })).toBe(404);
    const unmasks = await prisma.auditLog.findMany({ where: { action: 'contacts.unmask' } });
    expect(unmasks.map((u) => u.target)).toEqual([`${B.projectId}/${B.contactId}`]);
  });

  it('cannot create a task or a questionnaire in project B', async () => {
    const task = TaskInputSchema.parse({
      projectId: B.projectId,
      name: '越权',
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'preview',
      assignment: { mode: 'even' },
    });
    const save = { intent: 'save', task };
    expect(await status(newTask.action, {}, { cookie: scoped, method: 'POST', body: save })).toBe(404);
    const count = { intent: 'count', projectId: B.projectId, condition: null };
    expect(await status(newTask.action, {}, { cookie: scoped, method: 'POST', body: count })).toBe(404);
    const q = { projectId: B.projectId, name: '越权问卷' };
    expect(await status(questionnairesIndex.action, {}, { cookie: scoped, method: 'POST', body: q })).toBe(404);
    expect(await prisma.task.count({ where: { name: '越权' } })).toBe(0);
    expect(await prisma.questionnaire.count({ where: { name: '越权问卷' } })).toBe(0);
  });

  it('sees only A in the lists: projects, tasks, questionnaires, dialing page, wallboard', async () => {
    const load = async (handler: unknown, cookie: string) =>
      (handler as Handler)({ request: request('/x', { cookie }), params: {}, context: {} }) as Promise<Record<string, unknown>>;
    const ids = (rows: unknown) => (rows as { id: string }[]).map((r) => r.id);
    expect(ids((await load(projectsIndex.loader, scoped)).projects)).toEqual([A.projectId]);
    expect(ids((await load(listsIndex.loader, scoped)).projects)).toEqual([A.projectId]);
    expect(ids((await load(tasksIndex.loader, scoped)).tasks)).toEqual([A.taskId]);
    expect(ids((await load(tasksIndex.loader, scoped)).projects)).toEqual([A.projectId]);
    expect(ids((await load(newTask.loader, scoped)).projects)).toEqual([A.projectId]);
    expect(ids((await load(questionnairesIndex.loader, scoped)).questionnaires)).toEqual([A.questionnaireId]);
    await transitionTask(actor, A.taskId, 'start');
    await transitionTask(actor, B.taskId, 'start');
    expect(ids((await load(dialingPage.loader, scoped)).tasks)).toEqual([A.taskId]);
    expect(ids((await load(dialingPage.loader, everyProject)).tasks).sort()).toEqual([A.taskId, B.taskId].sort());
    expect(ids((await load(wallboard.loader, scoped)).tasks)).toEqual([A.taskId]);
    expect(ids((await load(wallboard.loader, everyProject)).tasks).sort()).toEqual([A.taskId, B.taskId].sort());
    // A supervisor of every project sees both.
    expect(ids((await load(projectsIndex.loader, everyProject)).projects).sort()).toEqual([A.projectId, B.projectId].sort());
  });

  it('sees and edits only A’s performance schemes', async () => {
    const scheme = (projectId: string, name: string): SchemeInput => ({
      name,
      scopeKind: 'project',
      projectId,
      skillGroupId: null,
      timeZone: 'Asia/Shanghai',
      active: true,
      config: defaultConfig('sales'),
    });
    const a = await saveScheme(actor, scheme(A.projectId, '甲方案'));
    const b = await saveScheme(actor, scheme(B.projectId, '乙方案'));
    if (!a.ok || !b.ok) throw new Error('schemes not saved');
    const load = async (handler: unknown, path: string) =>
      (await (handler as Handler)({ request: request(path, { cookie: scoped }), params: {}, context: {} })) as {
        schemes: { id: string }[];
        error?: string | null;
      };
    expect((await load(schemesPage.loader, '/x')).schemes.map((s) => s.id)).toEqual([a.id]);
    expect((await load(performancePage.loader, '/x')).schemes.map((s) => s.id)).toEqual([a.id]);
    expect((await load(performancePage.loader, `/x?scheme=${b.id}`)).error).toBe('notFound');
    expect((await load(performancePage.loader, `/x?scheme=${a.id}`)).error).toBeNull();
    const edit = { scheme: { ...scheme(B.projectId, '乙方案改'), id: b.id } };
    expect(await status(schemesPage.action, {}, { cookie: scoped, method: 'POST', body: edit })).toBe(404);
    const move = { scheme: { ...scheme(B.projectId, '挪到乙'), id: a.id } };
    expect(await status(schemesPage.action, {}, { cookie: scoped, method: 'POST', body: move })).toBe(404);
    expect(await prisma.performanceScheme.count({ where: { name: { in: ['乙方案改', '挪到乙'] } } })).toBe(0);
  });

  it('sees, adds and removes do-not-call entries of A and the global list, not of B', async () => {
    await addToDnc(actor, A.projectId, ['13711110001'], 'manual');
    await addToDnc(actor, B.projectId, ['13711110002'], 'manual');
    await addToDnc(actor, 'global', ['13711110003'], 'manual');
    const page = (await (dncPage.loader as unknown as Handler)({
      request: request('/lists/dnc', { cookie: scoped }),
      params: {},
      context: {},
    })) as { rows: { id: string; scope: string }[] };
    expect(page.rows.map((r) => r.scope).sort()).toEqual([A.projectId, 'global'].sort());
    const bEntry = await prisma.dncEntry.findFirstOrThrow({ where: { scope: B.projectId } });
    const remove = { intent: 'remove', id: String(bEntry.id) };
    expect(await status(dncPage.action, {}, { cookie: scoped, method: 'POST', body: remove })).toBe(404);
    expect(await prisma.dncEntry.count({ where: { id: bEntry.id } })).toBe(1);
    const add = { intent: 'add', scope: B.projectId, numbers: ['13711110004'], source: 'manual' };
    expect(await status(dncPage.action, {}, { cookie: scoped, method: 'POST', body: add })).toBe(404);
    expect(await status(dncPage.action, {}, { cookie: scoped, method: 'POST', body: { ...add, scope: A.projectId } })).toBe(200);
    expect(await prisma.dncEntry.count({ where: { scope: B.projectId } })).toBe(1);
  });

  it('gets the live events of A’s tasks only', async () => {
    const response = (await (liveDialing.loader as unknown as Handler)({
      request: request('/live/dialing', { cookie: scoped }),
      params: {},
      context: {},
    })) as Response;
    const reader = response.body!.getReader();
    let text = '';
    const until = async (marker: string) => {
      const stop = Date.now() + 3000;
      while (!text.includes(marker) && Date.now() < stop) {
        const chunk = await Promise.race([
          reader.read(),
          new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), 500)),
        ]);
        if (chunk.value) text += new TextDecoder().decode(chunk.value);
      }
    };
    await new Promise((r) => setTimeout(r, 200)); // the stream subscribes
    await publishLive({ topic: 'attempt', data: { id: 'from-b', taskId: B.taskId, state: 'dialing' } });
    await publishLive({ topic: 'attempt', data: { id: 'from-a', taskId: A.taskId, state: 'dialing' } });
    await until('from-a');
    // Both tasks' projects are now known to the stream: the next events keep their order.
    await publishLive({ topic: 'task', data: { id: 'again-b', taskId: B.taskId } });
    await publishLive({ topic: 'agent', data: { userId: 'sentinel', state: 'ready' } });
    await until('sentinel');
    await reader.cancel();
    expect(text).toContain('from-a');
    expect(text).toContain('sentinel');
    expect(text).not.toContain('from-b');
    expect(text).not.toContain('again-b');
  });

  it('sees and acknowledges alerts of A’s tasks and of the shared trunks, not of B', async () => {
    const alert = (subject: string) =>
      prisma.alert.create({
        data: {
          ruleId: crypto.randomUUID(),
          subject,
          subjectLabel: subject,
          severity: 'warning',
          metric: 'abandonRate',
          window: '15m',
          value: 9,
          sample: 100,
        },
      });
    const ofA = await alert(`task:${A.taskId}`);
    const ofB = await alert(`task:${B.taskId}`);
    const ofProjectB = await alert(`project:${B.projectId}`);
    const trunk = await alert('trunk:gw1');
    const page = (await (alertsPage.loader as unknown as Handler)({
      request: request('/monitoring/alerts', { cookie: scoped }),
      params: {},
      context: {},
    })) as { alerts: { id: string }[] };
    expect(page.alerts.map((x) => x.id).sort()).toEqual([ofA.id, trunk.id].sort());
    const post = (id: string) => {
      const form = new FormData();
      form.set('intent', 'acknowledge');
      form.set('id', id);
      return (alertsPage.action as unknown as Handler)({
        request: request('/monitoring/alerts', { method: 'POST', cookie: scoped, body: form }),
        params: {},
        context: {},
      }).then(
        (r) => (r as Response).status,
        (r: unknown) => (r as Response).status,
      );
    };
    expect(await post(ofB.id)).toBe(404);
    expect(await post(ofProjectB.id)).toBe(404);
    expect(await post(ofA.id)).toBe(200);
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: ofB.id } })).state).toBe('firing');
  });

  it('is not notified of B’s alerts, and is of A’s and the shared telephony’s', async () => {
    const all = await prisma.user.findUniqueOrThrow({ where: { login: 'sup-all' } });
    expect(await watchersOf(`task:${B.taskId}`)).not.toContain(scopedId);
    expect(await watchersOf(`project:${B.projectId}`)).not.toContain(scopedId);
    expect(await watchersOf(`task:${B.taskId}`)).toContain(all.id);
    expect(await watchersOf(`task:${A.taskId}`)).toContain(scopedId);
    expect(await watchersOf('trunk:gw1')).toContain(scopedId);
  });

  it('is answered 404 for a report, export, task or wrap-up list filtered to B’s project or task', async () => {
    const get = (handler: unknown, query: string) => status(handler, {}, { cookie: scoped, path: `/reports?${query}` });
    expect(await get(reportsPage.loader, `report=funnel&project=${B.projectId}`)).toBe(404);
    expect(await get(reportsPage.loader, `report=funnel&task=${B.taskId}`)).toBe(404);
    expect(await get(reportsExport.loader, `report=funnel&project=${B.projectId}`)).toBe(404);
    expect(await get(reportsPage.loader, `report=funnel&project=${A.projectId}`)).toBe(200);
    expect(await get(reportsExport.loader, `report=funnel&task=${A.taskId}`)).toBe(200);
    for (const handler of [tasksIndex.loader, writeBacks.loader, reviews.loader]) {
      expect(await get(handler, `project=${B.projectId}`)).toBe(404);
      expect(await get(handler, `project=${A.projectId}`)).toBe(200);
    }
    // Unfiltered, the funnel counts A's contacts only.
    const funnel = async (cookie: string) => {
      const data = (await (reportsPage.loader as unknown as Handler)({
        request: request('/reports?report=funnel', { cookie }),
        params: {},
        context: {},
      })) as { result: { tables: { rows: { stage: string; contacts: number }[] }[] } };
      return data.result.tables[0]!.rows.find((r) => r.stage === 'contacts')!.contacts;
    };
    expect(await funnel(scoped)).toBe(await prisma.contact.count({ where: { projectId: A.projectId } }));
    expect(await funnel(everyProject)).toBe(await prisma.contact.count());
  });

  it('sees and changes alert rules aimed at A; sees but cannot change shared rules; B’s are not found', async () => {
    const rule = (name: string, scope: string, scopeRef: string | null) =>
      prisma.alertRule.create({
        data: {
          name,
          metric: 'abandonRate',
          scope,
          scopeRef,
          window: '15m',
          condition: { combinator: 'and', rules: [{ field: 'value', operator: '>', value: 5 }] },
          actions: [],
        },
      });
    const ofA = await rule('甲规则', 'task', A.taskId);
    const ofB = await rule('乙规则', 'project', B.projectId);
    const shared = await rule('共享规则', 'task', null);
    const list = (await (rulesIndex.loader as unknown as Handler)({
      request: request('/monitoring/rules', { cookie: scoped }),
      params: {},
      context: {},
    })) as { rules: { id: string }[] };
    const listed = list.rules.map((r) => r.id);
    expect(listed).toEqual(expect.arrayContaining([ofA.id, shared.id]));
    expect(listed).not.toContain(ofB.id);
    expect(await status(rulePage.loader, { ruleId: ofB.id }, { cookie: scoped })).toBe(404);
    expect(await status(rulePage.loader, { ruleId: ofA.id }, { cookie: scoped })).toBe(200);
    const toggle = (id: string, intent = 'enable') => {
      const form = new FormData();
      form.set('intent', intent);
      form.set('id', id);
      form.set('enabled', 'false');
      return (rulesIndex.action as unknown as Handler)({
        request: request('/monitoring/rules', { method: 'POST', cookie: scoped, body: form }),
        params: {},
        context: {},
      }).then(
        (r) => (r as Response).status,
        (r: unknown) => (r as Response).status,
      );
    };
    expect(await toggle(ofB.id, 'delete')).toBe(404);
    expect(await toggle(shared.id)).toBe(404);
    expect(await prisma.alertRule.count({ where: { id: ofB.id } })).toBe(1);
    expect((await prisma.alertRule.findUniqueOrThrow({ where: { id: shared.id } })).enabled).toBe(true);
    // Re-aiming A's rule at B is refused like B's own.
    const retarget = { name: '甲规则', metric: 'abandonRate', scope: 'project', scopeRef: B.projectId };
    expect(await status(rulePage.action, { ruleId: ofA.id }, { cookie: scoped, method: 'POST', body: retarget })).toBe(404);
    expect((await prisma.alertRule.findUniqueOrThrow({ where: { id: ofA.id } })).scopeRef).toBe(A.taskId);
  });

  it('a change of projects applies from the next request, without signing the user out', async () => {
    expect(await status(projectPage.loader, { projectId: B.projectId }, { cookie: scoped })).toBe(404);
    await setProjectAccess(actor, scopedId, { allProjects: false, projectIds: [A.projectId, B.projectId] });
    expect(await status(projectPage.loader, { projectId: B.projectId }, { cookie: scoped })).toBe(200);
    await setProjectAccess(actor, scopedId, { allProjects: false, projectIds: [A.projectId] });
    expect(await status(projectPage.loader, { projectId: B.projectId }, { cookie: scoped })).toBe(404);
    expect(await status(projectPage.loader, { projectId: A.projectId }, { cookie: scoped })).toBe(200);
    const audited = await prisma.auditLog.findMany({ where: { action: 'user.projects', target: 'sup-a' } });
    expect(audited.map((a) => a.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ added: [B.projectId], removed: [] }),
        expect.objectContaining({ added: [], removed: [B.projectId] }),
      ]),
    );
  });
});

describe('the users page', () => {
  it('creates a supervisor with the projects the admin picked, and refuses a project that does not exist', async () => {
    const create = (login: string, projectIds: string[]) =>
      (usersPage.action as unknown as Handler)({
        request: request('/config/users', {
          method: 'POST',
          cookie: admin,
          body: JSON.stringify({
            intent: 'create',
            user: { login, displayName: login, role: 'supervisor', locale: null, timeZone: 'Asia/Shanghai' },
            access: { allProjects: false, projectIds },
          }),
          headers: { 'content-type': 'application/json' },
        }),
        params: {},
        context: {},
      }) as Promise<{ ok: boolean; errors?: Record<string, string> }>;
    expect(await create('picked-b', [B.projectId])).toMatchObject({ ok: true });
    const user = await prisma.user.findUniqueOrThrow({ where: { login: 'picked-b' } });
    const cookie = await cookieOf(user.id);
    expect(await status(projectPage.loader, { projectId: B.projectId }, { cookie })).toBe(200);
    expect(await status(projectPage.loader, { projectId: A.projectId }, { cookie })).toBe(404);
    expect(await create('picked-ghost', [crypto.randomUUID()])).toMatchObject({
      ok: false,
      errors: { 'user.projectIds': 'projects.unknown' },
    });
    expect(await prisma.user.count({ where: { login: 'picked-ghost' } })).toBe(0);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'user.create', target: 'picked-b' } });
    expect(audit.details).toMatchObject({ allProjects: false, projectIds: [B.projectId] });
  });
});

describe('the public API', () => {
  it('refuses a key of project A on project B', async () => {
    const { key } = await createApiKey(actor, A.projectId, 'a', ['contacts.write']);
    const push = (projectId: string) =>
      apiContacts.action({
        request: new Request(`http://localhost/api/v1/projects/${projectId}/contacts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ contacts: [{ name: '注入', phone: '13700000009' }] }),
        }),
        params: { projectId },
        context: {},
      }) as Promise<Response>;
    expect((await push(B.projectId)).status).toBe(403);
    expect(await prisma.contact.count({ where: { projectId: B.projectId, name: '注入' } })).toBe(0);
    expect((await push(A.projectId)).status).toBe(200);
  });
});
