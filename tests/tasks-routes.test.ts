import { beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../app/modules/auth/session.server';
import { customField, FIXED_FIELDS } from '../app/modules/lists/field-template';
import { createProject } from '../app/modules/projects/projects.server';
import { insertContacts } from '../app/modules/tasks/test-data.server';
import { action as taskAction, loader as taskLoader } from '../app/routes/_app.tasks.$taskId';
import { action as newAction, loader as newLoader } from '../app/routes/_app.tasks.new';
import { insertUser, request } from './helpers';

let projectId = '';
let cookie = '';
const SENIOR = { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 60 }] };
const post = (body: unknown) =>
  request('/tasks/new', { method: 'POST', cookie, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  projectId = (
    await createProject(
      { name: 't' },
      { name: '路由', type: 'sales', description: '', fields: [...FIXED_FIELDS, customField('age', 'number')] },
    )
  ).id;
  await insertContacts(projectId, 90);
  cookie = (await createSession(request('/login'), (await insertUser('supervisor')).id)).split(';')[0]!;
});

describe('the task pages', () => {
  it('count the matching contacts, save a new task and show it with its progress', async () => {
    const page = await newLoader({ request: request(`/tasks/new?project=${projectId}`, { cookie }), params: {}, context: {} });
    expect(page.options?.project.id).toBe(projectId);
    expect(page.initial?.name).toBe('');
    expect(
      await newAction({ request: post({ intent: 'count', projectId, condition: SENIOR }), params: {}, context: {} }),
    ).toMatchObject({
      matching: 20,
      eligible: 20,
    });
    const invalid = await newAction({
      request: post({ intent: 'save', task: { ...page.initial, name: '' } }),
      params: {},
      context: {},
    });
    expect(invalid).toMatchObject({ ok: false, errors: { name: 'tasks.errors.nameRequired' } });
    const saved = await newAction({
      request: post({ intent: 'save', task: { ...page.initial, name: '老客户回访', condition: SENIOR } }),
      params: {},
      context: {},
    });
    expect(saved).toBeInstanceOf(Response);
    const location = (saved as Response).headers.get('location')!;
    expect(location).toMatch(/^\/tasks\/[0-9a-f-]{36}$/);
    const taskId = location.split('/')[2]!;
    const view = await taskLoader({ request: request(location, { cookie }), params: { taskId }, context: {} });
    expect(view.task).toMatchObject({ name: '老客户回访', status: 'draft' });
    expect(view.progress.total).toBe(20);
    const pause = await taskAction({
      request: request(location, {
        method: 'POST',
        cookie,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ intent: 'transition', action: 'pause' }),
      }),
      params: { taskId },
      context: {},
    });
    expect(pause).toEqual({ ok: false, error: 'tasks.errors.transition' });
    // Bulk: the first 5 contacts of those the filter shows (unassigned, age ≥ 70) go to one agent.
    const agent = await insertUser('agent');
    const act = (body: unknown) =>
      taskAction({
        request: request(location, {
          method: 'POST',
          cookie,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        params: { taskId },
        context: {},
      });
    const SEVENTY = { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 70 }] };
    expect(await act({ intent: 'assignFiltered', agentId: agent.id, holder: 'none', condition: SEVENTY, limit: 5 })).toEqual({
      ok: true,
      count: 5,
    });
    const held = await taskLoader({
      request: request(`${location}?agent=${agent.id}`, { cookie }),
      params: { taskId },
      context: {},
    });
    expect(held.contacts.total).toBe(5);
    expect(held.summary).toEqual([expect.objectContaining({ agentId: agent.id, total: 5, manual: 5 })]);
    expect(await act({ intent: 'takeBackFiltered', holder: agent.id, condition: null, limit: 100 })).toEqual({
      ok: true,
      count: 5,
    });
  });
});
