import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotifyStandIn } from '../../../tests/notify-stand-in';
import { prisma } from '../../db/prisma.server';
import { createInstallation, saveConfig, setEnabled } from '../../plugins/installations.server';
import { dialableTask } from '../dialing/testing.server';
import { TaskInputSchema } from '../tasks/task-schema';
import { createTask, transitionTask } from '../tasks/tasks.server';
import { sendOnlineTaskLinks } from './online-tasks.server';
import { createQuestionnaire, publish } from './questionnaires.server';
import { openSurveyLink } from './survey-links.server';

// A running online task sends each contact one personal link through the notify plugin, over real
// HTTP to a stand-in for the SMS gateway; DNC contacts get none, and a second run sends nothing new.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 15).toString('base64');
let standIn: Awaited<ReturnType<typeof startNotifyStandIn<{ to: string; text: string; link: string }>>>;
let received: { to: string; text: string; link: string }[] = [];
let url = '';

beforeAll(async () => {
  standIn = await startNotifyStandIn<{ to: string; text: string; link: string }>('/sms');
  ({ url, received } = standIn);
});
afterAll(() => standIn.close());

describe('online tasks', () => {
  it('send one personal link per contact through the notify plugin', async () => {
    const { projectId } = await dialableTask(6, '1391115');
    const q = await createQuestionnaire({ name: 't' }, { projectId, name: '满意度', starter: 'sales' });
    const version = await publish({ name: 't' }, q.id, { revision: 0 });
    const notify = await createInstallation({ name: 't' }, 'webhook-notify', 'SMS');
    await saveConfig({ name: 't' }, notify.id, { url, secret: 'online-task-secret-1234' });
    await setEnabled({ name: 't' }, notify.id, true);
    const task = await createTask(
      { id: null, name: 't' },
      TaskInputSchema.parse({
        projectId,
        name: '网页问卷',
        condition: { combinator: 'and', rules: [] },
        channel: 'online',
        questionnaireVersionId: version.id,
        online: { notifyInstallationId: notify.id, template: '{name}您好，请填写{title}：{link}', linkValidDays: 3 },
      }),
    );
    await transitionTask({ id: null, name: 't' }, task.id, 'start');

    expect(await sendOnlineTaskLinks('https://survey.example.com')).toEqual({ sent: 4, failed: 0 });
    expect(received).toHaveLength(4);
    expect(received[0]?.text).toMatch(/^客户\d您好，请填写满意度：https:\/\/survey\.example\.com\/s\/[A-Za-z0-9_-]{20,}$/);
    // DNC contacts (the fixture's first two) get nothing; a second run sends nothing again.
    expect(received.map((m) => m.to)).not.toContain('+8613911150000');
    expect(await sendOnlineTaskLinks('https://survey.example.com')).toEqual({ sent: 0, failed: 0 });
    const token = received[0]?.link.split('/s/')[1] ?? '';
    expect((await openSurveyLink(token)).status).toBe('ok');
    expect(await prisma.surveyLink.count({ where: { taskId: task.id, sentAt: { not: null } } })).toBe(4);
  });
});
