import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotifyStandIn } from '../../../tests/notify-stand-in';
import { prisma } from '../../db/prisma.server';
import { createInstallation, saveConfig, setEnabled } from '../../plugins/installations.server';
import { closeLive } from '../dialing/live.server';
import { dialableTask } from '../dialing/testing.server';
import { evaluateAlertRules, listAlerts, saveAlertRule } from './alerts.server';

// An alert's notify action goes through the installed notify plugin (webhook-notify), over real HTTP
// to a stand-in for the operators' webhook; its outcome is in the alert's history.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 16).toString('base64');
let standIn: Awaited<ReturnType<typeof startNotifyStandIn<{ to: string; subject?: string; text: string }>>>;
let received: { to: string; subject?: string; text: string }[] = [];
let url = '';

beforeAll(async () => {
  standIn = await startNotifyStandIn<{ to: string; subject?: string; text: string }>('/hook');
  ({ url, received } = standIn);
});
afterAll(async () => {
  await closeLive();
  await standIn.close();
});

describe('alert notifications through the notify plugin', () => {
  it('sends one message when the alert fires, none while it stays open', async () => {
    const { projectId, taskId } = await dialableTask(4, '1391166');
    const contact = await prisma.contact.findFirstOrThrow({ where: { projectId } });
    const endedAt = new Date(Date.now() - 60_000);
    await prisma.callAttempt.createMany({
      data: ['connected', 'abandoned'].map((result) => ({
        taskId,
        projectId,
        contactId: contact.id,
        rulesVersion: 1,
        mode: 'predictive',
        state: 'ended',
        result,
        answeredAt: endedAt,
        endedAt,
      })),
    });
    const notify = await createInstallation({ name: 't' }, 'webhook-notify', 'Ops webhook');
    await saveConfig({ name: 't' }, notify.id, { url, secret: 'alert-webhook-secret-1234' });
    await setEnabled({ name: 't' }, notify.id, true);
    await saveAlertRule(
      { id: null, name: 't' },
      {
        name: '放弃率告警',
        metric: 'abandonRate',
        scope: 'task',
        scopeRef: taskId,
        window: '15m',
        severity: 'critical',
        condition: { combinator: 'and', rules: [{ field: 'value', operator: '>', value: 10 }] },
        actions: { notify: false, plugin: { installationId: notify.id, to: 'ops-oncall' }, breaker: 'none' },
      },
    );
    await evaluateAlertRules();
    await evaluateAlertRules();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ to: 'ops-oncall', subject: '[critical] 放弃率告警' });
    expect(received[0]?.text).toContain('50 %');
    const [alert] = await listAlerts({ state: 'open' });
    expect(alert?.history.map((h) => h.event)).toEqual(['fired', 'notified']);
  });
});
