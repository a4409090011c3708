// An agent sees the contacts of the tasks they are assigned to and the calls they hold, nothing
// else (ADR 106): changing an attempt, task or contact id in an agent.* request reaches nothing of
// another project. Each denial is paired with the same request from the agent it does belong to.
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { createSession } from '../app/modules/auth/session.server';
import { callableProject } from '../app/modules/dialing/testing.server';
import { importFromApi } from '../app/modules/lists/api-import.server';
import { TaskInputSchema } from '../app/modules/tasks/task-schema';
import { createTask, transitionTask } from '../app/modules/tasks/tasks.server';
import * as links from '../app/routes/agent.links';
import * as pop from '../app/routes/agent.pop.$attemptId';
import * as preview from '../app/routes/agent.preview';
import * as script from '../app/routes/agent.script';
import * as wrapup from '../app/routes/agent.wrapup';
import { insertUser, request } from './helpers';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 9).toString('base64');

type Side = { taskId: string; contactId: string; attemptId: string; agent: string };
const actor = { id: null, name: 'test' };
const A = {} as Side;
const B = {} as Side;

async function side(name: string, phone: string): Promise<Side> {
  const project = await callableProject(actor, name);
  // Two contacts: one with a call just made (the retry interval keeps it from the preview), one to preview.
  await importFromApi(project.id, 'k', [
    { name: `${name}客户`, phone },
    { name: `${name}待呼`, phone: `${phone.slice(0, -1)}9` },
  ]);
  const contact = await prisma.contact.findFirstOrThrow({ where: { projectId: project.id, name: `${name}客户` } });
  const agent = await insertUser('agent');
  const group = await prisma.skillGroup.create({ data: { name, members: { create: [{ userId: agent.id }] } } });
  const task = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: project.id,
      name,
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'preview',
      assignment: { mode: 'pool' },
      skillGroupIds: [group.id],
    }),
  );
  await transitionTask(actor, task.id, 'start');
  await prisma.agentPresence.create({ data: { userId: agent.id, state: 'ready' } });
  // A call this agent holds (as the dialer would have recorded it).
  const attempt = await prisma.callAttempt.create({
    data: {
      taskId: task.id,
      projectId: project.id,
      contactId: contact.id,
      rulesVersion: project.rulesVersion,
      mode: 'preview',
      state: 'ended',
      result: 'connected',
      agentId: agent.id,
      endedAt: new Date(),
    },
  });
  const cookie = (await createSession(request('/login'), agent.id)).split(';')[0]!;
  return { taskId: task.id, contactId: String(contact.id), attemptId: attempt.id, agent: cookie };
}

beforeAll(async () => {
  Object.assign(A, await side('甲项目', '13800000001'));
  Object.assign(B, await side('乙项目', '13800000002'));
});

type Handler = (args: { request: Request; params: Record<string, string>; context: unknown }) => Promise<unknown>;

/** Status and JSON body of a route's answer (a thrown Response included). */
async function call(
  handler: unknown,
  cookie: string,
  init: { path?: string; params?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const req = request(init.path ?? '/x', {
    method: init.body === undefined ? 'GET' : 'POST',
    cookie,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
  });
  let response: unknown;
  try {
    response = await (handler as Handler)({ request: req, params: init.params ?? {}, context: {} });
  } catch (thrown) {
    response = thrown;
  }
  if (!(response instanceof Response)) throw new Error('not a response');
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('an agent of project A', () => {
  it('gets no screen-pop for a call of project B', async () => {
    expect((await call(pop.loader, A.agent, { params: { attemptId: B.attemptId } })).status).toBe(404);
    const own = await call(pop.loader, B.agent, { params: { attemptId: B.attemptId } });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ task: { id: B.taskId } });
  });

  it('gets no preview of a task of project B', async () => {
    const theirs = await call(preview.loader, A.agent, { path: `/agent/preview?taskId=${B.taskId}` });
    expect(theirs.body.next).toBeNull();
    const own = await call(preview.loader, B.agent, { path: `/agent/preview?taskId=${B.taskId}` });
    expect(own.body.next).toMatchObject({ task: { id: B.taskId } });
  });

  it('cannot call or skip a contact of project B, through B’s task or their own', async () => {
    const throughB = await call(preview.action, A.agent, {
      body: { intent: 'call', taskId: B.taskId, contactId: B.contactId },
    });
    expect(throughB.body).toMatchObject({ ok: false, error: 'workstation.taskNotYours' });
    // Their own task with B's contact id: the compliance gate looks the contact up in A's project.
    const tampered = await call(preview.action, A.agent, {
      body: { intent: 'call', taskId: A.taskId, contactId: B.contactId },
    });
    expect(tampered.body).toMatchObject({ ok: false, error: 'workstation.refused' });
    expect(await prisma.callAttempt.count({ where: { contactId: BigInt(B.contactId) } })).toBe(1);
    const skip = await call(preview.action, A.agent, {
      body: { intent: 'skip', taskId: A.taskId, contactId: B.contactId, reason: 'other' },
    });
    expect(skip.body).toMatchObject({ ok: false });
    const contact = await prisma.contact.findUniqueOrThrow({ where: { id: BigInt(B.contactId) } });
    expect(contact.nextAttemptAt).toBeNull();
  });

  it('cannot open the script, the wrap-up or send a link for a call of project B', async () => {
    const opened = await call(script.action, A.agent, { body: { intent: 'open', attemptId: B.attemptId } });
    expect(opened.body).toMatchObject({ ok: false, error: 'workstation.notYourCall' });
    const form = await call(wrapup.loader, A.agent, { path: `/agent/wrapup?attemptId=${B.attemptId}` });
    expect(form.body.context).toBeNull();
    const own = await call(wrapup.loader, B.agent, { path: `/agent/wrapup?attemptId=${B.attemptId}` });
    expect(own.body.context).not.toBeNull();
    const link = await call(links.action, A.agent, { body: { attemptId: B.attemptId, productId: crypto.randomUUID() } });
    expect(link.body).toMatchObject({ ok: false, error: 'workstation.notYourCall' });
  });
});
