import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { agentAggregates } from './agent-aggregates.server';
import { exportReport } from './export.server';
import { parseFilters, type ReportFilters } from './filters';
import { runReport } from './reports.server';
import { refreshRollups } from './rollup.server';

const PROJECT = randomUUID();
const TASK = randomUUID();
let contact = 100;

async function call(
  at: string,
  options: { agentId?: string; result?: string; talkSec?: number; disposition?: [string, string]; amount?: number } = {},
) {
  const queuedAt = new Date(at);
  const result = options.result ?? (options.agentId ? 'connected' : 'noAnswer');
  const attempt = await prisma.callAttempt.create({
    data: {
      taskId: TASK,
      projectId: PROJECT,
      contactId: BigInt(contact++),
      rulesVersion: 1,
      mode: 'predictive',
      state: 'ended',
      result,
      agentId: options.agentId ?? null,
      answeredAt: result === 'connected' ? queuedAt : null,
      talkSec: options.talkSec ?? null,
      trunk: 'sim-e1-a',
      callerId: '01055550001',
      cause: result === 'connected' ? 'NORMAL_CLEARING' : 'NO_ANSWER',
      queuedAt,
      endedAt: new Date(),
    },
  });
  if (options.disposition) {
    await prisma.wrapUp.create({
      data: {
        attemptId: attempt.id,
        taskId: TASK,
        projectId: PROJECT,
        contactId: attempt.contactId,
        agentId: options.agentId,
        dispositionCode: options.disposition[0],
        outcome: options.disposition[1],
        order: options.amount ? { productId: randomUUID(), amount: options.amount, quantity: 1, status: 'confirmed' } : undefined,
        decision: {},
        startedAt: new Date(Date.now() - 30_000),
        submittedAt: new Date(),
      },
    });
  }
}

const filters = (f: Partial<ReportFilters>): ReportFilters => ({
  report: 'volume',
  from: '2026-11-01',
  to: '2026-11-02',
  tz: 'Asia/Shanghai',
  task: TASK,
  ...f,
});

describe('standard reports', () => {
  it('buckets hours in the chosen time zone, including a half-hour zone', async () => {
    await call('2026-11-01T01:10:00Z'); // Shanghai 09:10 on the 1st; Kolkata 06:40
    await call('2026-11-01T17:20:00Z'); // Shanghai 01:20 on the 2nd; UTC still the 1st
    await refreshRollups();
    const shanghai = await runReport(filters({}));
    expect(shanghai.tables[0]!.rows.map((r) => [r.day, r.attempts])).toEqual([
      ['2026-11-01', 1],
      ['2026-11-02', 1],
    ]);
    const hours = shanghai.tables[1]!.rows.filter((r) => Number(r.attempts) > 0).map((r) => r.hourOfDay);
    expect(hours).toEqual([1, 9]);
    const utc = await runReport(filters({ tz: 'UTC' }));
    expect(utc.tables[0]!.rows.map((r) => [r.day, r.attempts])).toEqual([['2026-11-01', 2]]);
    // Asia/Kolkata is UTC+5:30: the 01:00 UTC bucket starts at 06:30 local and counts as hour 6.
    const kolkata = await runReport(filters({ tz: 'Asia/Kolkata' }));
    expect(kolkata.tables[1]!.rows.filter((r) => Number(r.attempts) > 0).map((r) => r.hourOfDay)).toEqual([6, 22]);
  });

  it('sums agent productivity and sales from wrap-ups, and exports it as an audited XLSX with a header row', async () => {
    const agent = await insertUser('agent');
    await call('2026-11-02T02:00:00Z', { agentId: agent.id, talkSec: 100, disposition: ['sold', 'success'], amount: 250 });
    await call('2026-11-02T03:00:00Z', { agentId: agent.id, talkSec: 50, disposition: ['refused', 'failure'] });
    await refreshRollups();
    const [row] = await agentAggregates({
      from: '2026-11-02',
      to: '2026-11-02',
      timeZone: 'Asia/Shanghai',
      agentIds: [agent.id],
    });
    expect(row).toMatchObject({ calls: 2, connects: 2, successes: 1, talkSec: 150, salesAmount: 250, orders: 1, leads: 0 });
    expect(row!.wrapSec).toBeGreaterThanOrEqual(58);

    const dispositions = await runReport(filters({ report: 'dispositions', agent: agent.id }));
    expect(dispositions.tables[0]!.rows.map((r) => [r.disposition, r.count])).toEqual([
      ['refused', 1],
      ['sold', 1],
    ]);

    const file = await exportReport(
      { id: agent.id, name: 'supervisor' },
      filters({ report: 'agents', agent: agent.id }),
      'xlsx',
      'en',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.body as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'agent',
      'calls',
      'connects',
      'successes',
      'talkSec',
      'avgTalkSec',
      'wrapSec',
      'pauseSec',
      'salesAmount',
      'orders',
      'leads',
    ]);
    expect(sheet.getRow(2).getCell(2).value).toBe(2);
    const logged = await prisma.auditLog.findFirstOrThrow({ where: { action: 'reports.export' } });
    expect(logged.target).toBe('agents');
    expect(logged.details).toMatchObject({ format: 'xlsx', rows: 1, agent: agent.id });
  });

  it('reports bad filter values by field and falls back to defaults', () => {
    const { filters: f, errors } = parseFilters(
      new URLSearchParams({ report: 'nope', task: 'x1', tz: 'Mars/Base', from: '2026-11-09', to: '2026-11-01' }),
      { tz: 'Asia/Shanghai', now: new Date('2026-11-20T12:00:00Z') },
    );
    expect(errors).toEqual([
      { field: 'report', value: 'nope', message: 'invalid' },
      { field: 'tz', value: 'Mars/Base', message: 'invalid' },
      { field: 'from', value: '2026-11-09…2026-11-01', message: 'range' },
      { field: 'task', value: 'x1', message: 'invalid' },
    ]);
    expect(f).toEqual({ report: 'funnel', from: '2026-11-14', to: '2026-11-20', tz: 'Asia/Shanghai' });
  });
});
