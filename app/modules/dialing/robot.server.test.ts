import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createSimSwitch } from '../../telephony/sim/sim-switch';
import { importFromApi } from '../lists/api-import.server';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { createProject } from '../projects/projects.server';
import { createQuestionnaire, publish } from '../questionnaires/questionnaires.server';
import { TaskInputSchema } from '../tasks/task-schema';
import { createTask, transitionTask } from '../tasks/tasks.server';
import { startDialer } from './dialer.server';
import { closeLive } from './live.server';
import { keysToAnswer, robotPrompt, runRobotCall } from './robot.server';
import { callableProject } from './testing.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 13).toString('base64');
const actor = { name: 'supervisor' };
let versionId = '';
let contactId = 0n;

beforeAll(async () => {
  const fields = [...FIXED_FIELDS, customField('idCard', 'idCard', { sensitive: true })];
  const projectId = (await createProject(actor, { name: '机器人', type: 'reminder', description: '', fields })).id;
  await importFromApi(projectId, 'k', [{ name: '赵六', phone: '13911114401', idCard: '11010519491231002X' }]);
  contactId = (await prisma.contact.findFirstOrThrow({ where: { projectId } })).id;
  const q = await createQuestionnaire(actor, { projectId, name: '回访', starter: 'returnVisit' });
  versionId = (await publish(actor, q.id, { revision: 0 })).id;
});

describe('robot prompts', () => {
  it('map options to keys and keys back to answers', () => {
    const q = {
      nodeId: 'x',
      type: 'single' as const,
      category: 'business',
      text: '满意吗？',
      help: '',
      required: true,
      options: [
        { code: 'a', label: '满意' },
        { code: 'b', label: '不满意' },
      ],
    };
    const settings = { maxRetries: 1, transferRule: 'onRequest' as const, prompts: {} };
    expect(robotPrompt(q, settings, 'zh-CN')).toEqual({
      text: '满意吗？ 满意请按1，不满意请按2',
      maxDigits: 1,
      validDigits: '120',
    });
    expect(keysToAnswer(q, '2')).toBe('b');
    expect(keysToAnswer(q, '7')).toBeNull();
    expect(keysToAnswer({ ...q, type: 'yesNo', options: [] }, '1')).toBe(true);
    expect(keysToAnswer({ ...q, type: 'rating', options: [] }, '9#')).toBe(9);
  });
});

describe('a robot call on the sim switch', () => {
  it('runs the questionnaire by keys and stores the answers like an agent’s', async () => {
    // Everyone answers; the customer presses 1 (yes) to yes/no questions and the ID's last digits.
    const sw = createSimSwitch({
      profile: { answer: 1, busy: 0, noAnswer: 0, machine: 0, invalid: 0, ringMeanSec: 3, talkMeanSec: 3600 },
      trunks: [{ id: 't', capacity: 5 }],
      timeScale: 100,
      // At 100x, a few milliseconds of database work are seconds of silence for the simulated customer.
      timings: { patienceMeanSec: 600 },
      seed: 7,
      customer: {
        answers: {
          holder: { digits: { '1': 1 } },
          idcheck: { digits: { '002*#': 1 } },
          signed: { digits: { '1': 1 } },
          explained: { digits: { '1': 1 } },
          satisfaction: { digits: { '9#': 1 } },
        },
        responseSec: [0.5, 1],
      },
    });
    const answered = new Promise<void>((resolve) =>
      sw.onEvent((e) => {
        if (e.type === 'answered') resolve();
      }),
    );
    const callId = crypto.randomUUID();
    await sw.originate({ callId, to: '+8613911114401', callerId: '057188880001', trunk: 't', timeoutSec: 25, amd: false });
    await answered;
    const end = await runRobotCall(sw, {
      callId,
      versionId,
      contactId,
      taskId: crypto.randomUUID(),
      settings: { maxRetries: 2, transferRule: 'onRequest', prompts: {} },
      language: 'zh-CN',
    });
    await sw.close();
    expect(end).toEqual({ kind: 'completed', outcome: 'completed' });
    const response = await prisma.questionnaireResponse.findFirstOrThrow({ where: { contactId, channel: 'robot' } });
    expect(response.answers).toEqual({
      greet: true,
      holder: true,
      idcheck: true,
      signed: true,
      explained: 'yes',
      satisfaction: 9,
    });
    expect(response.attemptId).toBe(callId);
  }, 30_000);
});

afterAll(closeLive);

describe('a robot task', () => {
  it('runs as many calls at once as its lines setting allows, no more', async () => {
    const project = await callableProject(actor, '机器人并发');
    await importFromApi(
      project.id,
      'k',
      Array.from({ length: 12 }, (_, i) => ({ name: `客户${i}`, phone: `1391114${String(i).padStart(4, '0')}`, age: 70 })),
    );
    const q = await createQuestionnaire(actor, { projectId: project.id, name: '提醒', starter: 'returnVisit' });
    const version = await publish(actor, q.id, { revision: 0 });
    const task = await createTask(
      actor,
      TaskInputSchema.parse({
        projectId: project.id,
        name: '机器人 · 3 线',
        condition: { combinator: 'and', rules: [] },
        channel: 'robot',
        questionnaireVersionId: version.id,
        robot: { lines: 3, transferRule: 'never' },
      }),
    );
    await transitionTask(actor, task.id, 'start');
    // Every call rings for a long time, so the lines stay taken while we watch.
    const dialer = await startDialer({
      dialerId: 'robot-lines',
      autoAgents: false,
      softswitch: createSimSwitch({
        profile: { answer: 0, busy: 0, noAnswer: 1, machine: 0, invalid: 0, ringMeanSec: 600, talkMeanSec: 60 },
        trunks: [
          { id: 'sim-e1-a', capacity: 30 },
          { id: 'sim-e1-b', capacity: 30 },
        ],
        timeScale: 1,
        seed: 3,
      }),
    });
    try {
      const inFlight = () => prisma.callAttempt.count({ where: { taskId: task.id, endedAt: null } });
      await expect.poll(inFlight, { timeout: 20_000, interval: 250 }).toBe(3);
      // Several pacing rounds later the robot still holds three lines and has placed no fourth call.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await inFlight()).toBe(3);
      expect(await prisma.callAttempt.count({ where: { taskId: task.id } })).toBe(3);
      expect(dialer.engine.inFlight()).toBe(3);
    } finally {
      await dialer.stop();
    }
  }, 40_000);
});
