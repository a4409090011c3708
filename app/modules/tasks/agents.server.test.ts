import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { agentsOverview, importSchedules, saveSchedule } from './agents.server';
import { assignManually } from './manual-assignment.server';
import { TaskInputSchema } from './task-schema';
import { createTask } from './tasks.server';
import { insertContacts } from './test-data.server';

const actor = { name: 'supervisor' };

async function workbook(rows: string[][]): Promise<ArrayBuffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('排班');
  for (const row of rows) sheet.addRow(row);
  const buffer = await book.xlsx.writeBuffer();
  return buffer as ArrayBuffer;
}

describe('agent schedules', () => {
  it('import weekly shifts from XLSX by login, keep exceptions, and report unknown logins and bad cells', async () => {
    const a = await insertUser('agent', 'xlsx-a');
    await insertUser('agent', 'xlsx-b');
    await saveSchedule(actor, a.id, { weekly: {}, exceptions: [{ date: '2030-02-01', shifts: [], note: '春节' }] });
    const result = await importSchedules(
      actor,
      await workbook([
        ['登录名', '周一', '周二', '周三', '周四', '周五', '周六', '周日'],
        ['xlsx-a', '09:00-12:00, 13:00-18:00', '09:00-12:00, 13:00-18:00', '', '', '', '休', ''],
        ['xlsx-b', '9:00-13:00', 'nine to five', '', '', '', '', ''],
        ['nobody', '09:00-18:00', '', '', '', '', '', ''],
      ]),
    );
    expect(result.imported).toBe(2);
    expect(result.problems).toEqual([
      { row: 3, message: 'schedule.badShift:nine' },
      { row: 3, message: 'schedule.badShift:to' },
      { row: 3, message: 'schedule.badShift:five' },
      { row: 4, message: 'schedule.unknownAgent:nobody' },
    ]);
    const saved = await prisma.agentSchedule.findUniqueOrThrow({ where: { userId: a.id } });
    expect(saved.weekly).toEqual({
      mon: [
        { from: '09:00', to: '12:00' },
        { from: '13:00', to: '18:00' },
      ],
      tue: [
        { from: '09:00', to: '12:00' },
        { from: '13:00', to: '18:00' },
      ],
    });
    expect(saved.exceptions).toEqual([{ date: '2030-02-01', shifts: [], note: '春节' }]);
  });

  it('show each agent’s hours, workload and callbacks due', async () => {
    const projectId = (await createProject(actor, { name: '在手', type: 'returnVisit', description: '' })).id;
    await insertContacts(projectId, 12);
    const agent = await insertUser('agent', 'load-a');
    await saveSchedule(actor, agent.id, {
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '09:00', to: '11:00' }]]),
      ),
      exceptions: [],
    });
    const task = await createTask(
      actor,
      TaskInputSchema.parse({
        projectId,
        name: '在手',
        condition: { combinator: 'and', rules: [] },
        channel: 'agent',
        dialMode: 'preview',
      }),
    );
    const ids = (await prisma.contact.findMany({ where: { projectId }, orderBy: { id: 'asc' }, select: { id: true } })).map(
      (c) => c.id,
    );
    await assignManually(actor, task.id, ids.slice(0, 10), agent.id);
    await prisma.contact.updateMany({
      where: { id: { in: ids.slice(0, 3) } },
      data: { nextAttemptAt: new Date(Date.now() - 60_000) },
    });
    await prisma.contact.updateMany({ where: { id: ids[9]! }, data: { status: 'closed' } });
    const row = (await agentsOverview()).find((r) => r.agentId === agent.id)!;
    expect(row).toMatchObject({ scheduledHours: 14, workload: 9, callbacksDue: 3 });
  });
});
