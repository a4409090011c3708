import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { callHook } from '../../plugins/installations.server';
import { type CompiledRule, compileCondition, matchRows } from '../../rules/runtime.server';
import { logger } from '../../utils/logger.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { can } from '../auth/permissions';
import { projectScope, seesProject } from '../auth/project-access';
import { publishLive } from '../dialing/live.server';
import { readSetting, writeSetting } from '../system/settings.server';
import {
  ALERT_SCOPE,
  type AlertActions,
  AlertActionsSchema,
  type AlertRuleValues,
  checkAlertRule,
  DEFAULT_ALERT_RULES,
  describeCondition,
} from './alert-schema';
import { MONITORING_ACTOR, releaseBreaker, settleBreakers, tripBreaker } from './breakers.server';
import { type AlertMetric, type MetricWindow, metricOfTally, occupancy, windowStart } from './definitions';
import { attemptTallies, subjectsOf, type Tallies, tallyOf, writeBackFailuresSince } from './metrics.server';

// Alert rules and their alerts. Every ~15 s the evaluator computes each enabled rule's metric for
// each subject in its scope, runs the rule's threshold condition in the rule runtime over
// { value, sample }, fires an alert where it matches and none is open (so a rule never fires twice
// for one subject), and resolves open alerts whose condition no longer holds.

const log = logger.child({ module: 'monitoring' });

export class AlertRuleInvalid extends Error {
  constructor(
    readonly errors: Record<string, string>,
    readonly conditionErrors: unknown[],
  ) {
    super('alert rule invalid');
  }
}

export async function listAlertRules() {
  return prisma.alertRule.findMany({ orderBy: { createdAt: 'asc' } });
}

function ruleData(v: AlertRuleValues) {
  return {
    name: v.name,
    enabled: v.enabled,
    metric: v.metric,
    scope: v.scope,
    scopeRef: v.scopeRef,
    window: v.window,
    condition: v.condition as unknown as Prisma.InputJsonValue,
    severity: v.severity,
    actions: v.actions as unknown as Prisma.InputJsonValue,
  };
}

export async function saveAlertRule(actor: AuditActor, input: unknown, id?: string) {
  const checked = checkAlertRule(input);
  if (!checked.ok) throw new AlertRuleInvalid(checked.errors, checked.conditionErrors);
  const data = ruleData(checked.value);
  const rule = id
    ? await prisma.alertRule.update({ where: { id }, data })
    : await prisma.alertRule.create({ data: { ...data, createdById: actor.id ?? null } });
  await audit(actor, id ? 'monitoring.rule.update' : 'monitoring.rule.create', rule.id, data);
  return rule;
}

/** Deletes a rule: its open alerts are resolved and its breakers released (a paused task stays paused). */
export async function deleteAlertRule(actor: AuditActor, id: string) {
  const rule = await prisma.alertRule.findUnique({ where: { id } });
  if (!rule) return false;
  const open = await prisma.alert.findMany({ where: { ruleId: id, state: { not: 'resolved' } } });
  for (const alert of open) await resolveAlert(actor, alert.id, 'ruleDeleted');
  const breakers = await prisma.circuitBreaker.findMany({
    where: {
      alertId: { in: (await prisma.alert.findMany({ where: { ruleId: id }, select: { id: true } })).map((a) => a.id) },
      releasedAt: null,
    },
  });
  for (const b of breakers) await releaseBreaker(b.id, actor, { resume: false, note: 'rule deleted' });
  await prisma.alertRule.delete({ where: { id } });
  await audit(actor, 'monitoring.rule.delete', id, { name: rule.name });
  return true;
}

/** Installs the default rules (new installs and the demo); existing ones are left as edited. */
export async function seedDefaultAlertRules(options: { disabled?: string[] } = {}) {
  for (const { seedKey, ...input } of DEFAULT_ALERT_RULES) {
    const checked = checkAlertRule({ ...input, enabled: !options.disabled?.includes(seedKey) });
    if (!checked.ok) throw new Error(`default alert rule ${seedKey} is invalid`);
    await prisma.alertRule.upsert({ where: { seedKey }, create: { ...ruleData(checked.value), seedKey }, update: {} });
  }
}

/** New installs get the default rules once; a rule deleted later does not come back. */
export async function seedDefaultAlertRulesOnce(options: { disabled?: string[] } = {}) {
  if (await readSetting<boolean>('monitoring.defaultsSeeded')) return;
  await seedDefaultAlertRules(options);
  await writeSetting('monitoring.defaultsSeeded', true);
}

type HistoryEntry = { at: string; event: string; by: string; note?: string };

async function addHistory(id: string, entry: Omit<HistoryEntry, 'at'>, data: Prisma.AlertUpdateInput = {}) {
  const alert = await prisma.alert.findUniqueOrThrow({ where: { id } });
  const history = [...((alert.history as HistoryEntry[] | null) ?? []), { at: new Date().toISOString(), ...entry }];
  return prisma.alert.update({ where: { id }, data: { ...data, history: history as unknown as Prisma.InputJsonValue } });
}

export async function acknowledgeAlert(actor: AuditActor, id: string, note = '') {
  const changed = await prisma.alert.updateMany({
    where: { id, state: 'firing' },
    data: { state: 'acknowledged', acknowledgedAt: new Date(), acknowledgedBy: actor.name },
  });
  if (!changed.count) return false;
  await addHistory(id, { event: 'acknowledged', by: actor.name, ...(note ? { note } : {}) });
  await audit(actor, 'monitoring.alert.acknowledge', id, { note });
  await publishLive({ topic: 'alert', data: { alertId: id, state: 'acknowledged' } }).catch(() => undefined);
  return true;
}

export async function resolveAlert(actor: AuditActor, id: string, note = '') {
  const changed = await prisma.alert.updateMany({
    where: { id, state: { not: 'resolved' } },
    data: { state: 'resolved', resolvedAt: new Date(), resolvedBy: actor.name },
  });
  if (!changed.count) return false;
  await addHistory(id, { event: 'resolved', by: actor.name, ...(note ? { note } : {}) });
  if (actor.name !== MONITORING_ACTOR.name) await audit(actor, 'monitoring.alert.resolve', id, { note });
  await publishLive({ topic: 'alert', data: { alertId: id, state: 'resolved' } }).catch(() => undefined);
  return true;
}

/**
 * Alerts a viewer limited to some projects may see (ADR 106): those of their projects and their
 * tasks, and the shared telephony's (trunks, caller IDs, system). null: no limit.
 */
export async function alertScope(visible: string[] | null): Promise<Prisma.AlertWhereInput> {
  if (!visible) return {};
  const tasks = await prisma.task.findMany({ where: { projectId: { in: visible } }, select: { id: true } });
  return {
    OR: [
      { NOT: [{ subject: { startsWith: 'task:' } }, { subject: { startsWith: 'project:' } }] },
      { subject: { in: [...visible.map((id) => `project:${id}`), ...tasks.map((t) => `task:${t.id}`)] } },
    ],
  };
}

export async function listAlerts(filter: { state?: string; take?: number; visible?: string[] | null } = {}) {
  const state = filter.state === 'open' ? { state: { not: 'resolved' } } : filter.state ? { state: filter.state } : {};
  const alerts = await prisma.alert.findMany({
    where: { AND: [state, await alertScope(filter.visible ?? null)] },
    orderBy: { firedAt: 'desc' },
    take: filter.take ?? 100,
  });
  const rules = await prisma.alertRule.findMany({
    where: { id: { in: alerts.map((a) => a.ruleId) } },
    select: { id: true, name: true },
  });
  const breakers = await prisma.circuitBreaker.findMany({ where: { alertId: { in: alerts.map((a) => a.id) } } });
  const names = new Map(rules.map((r) => [r.id, r.name]));
  return alerts.map((a) => ({
    ...a,
    ruleName: names.get(a.ruleId) ?? a.ruleName,
    history: (a.history as HistoryEntry[] | null) ?? [],
    breakers: breakers
      .filter((b) => b.alertId === a.id)
      .map((b) => ({ id: b.id, kind: b.kind, target: b.target, active: !b.releasedAt, resumeAt: b.resumeAt, reason: b.reason })),
  }));
}

// --- in-app notifications (the bell) ---

/**
 * Who is told about an alert: active users who may watch monitoring and who see the project of
 * its subject (a task's or a project's; ADR 106). Telephony alerts go to every watcher.
 */
export async function watchersOf(subject: string): Promise<string[]> {
  const [kind, ref] = subject.split(':');
  const projectId =
    kind === 'project'
      ? (ref ?? null)
      : kind === 'task' && ref && /^[0-9a-f-]{36}$/i.test(ref)
        ? ((await prisma.task.findUnique({ where: { id: ref }, select: { projectId: true } }))?.projectId ?? null)
        : null;
  const users = await prisma.user.findMany({
    where: { active: true },
    select: { id: true, role: true, allProjects: true, projects: { select: { projectId: true } } },
  });
  return users
    .filter((u) => can(u.role, 'monitoring.view'))
    .filter((u) => {
      const scope = projectScope(
        u.role,
        u.allProjects,
        u.projects.map((p) => p.projectId),
      );
      return !projectId || seesProject({ role: u.role, projects: scope }, projectId);
    })
    .map((u) => u.id);
}

async function notifyWatchers(alertId: string, severity: string, title: string, body: string) {
  const alert = await prisma.alert.findUnique({ where: { id: alertId }, select: { subject: true } });
  const watchers = (await watchersOf(alert?.subject ?? 'system')).map((id) => ({ id }));
  if (!watchers.length) return;
  await prisma.notification.createMany({
    data: watchers.map((u) => ({ userId: u.id, alertId, severity, title, body, link: '/monitoring/alerts' })),
  });
}

export async function notificationsFor(userId: string, take = 10) {
  const [unread, latest] = await Promise.all([
    prisma.notification.count({ where: { userId, readAt: null } }),
    prisma.notification.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, take }),
  ]);
  return { unread, latest };
}

export async function markNotificationsRead(userId: string) {
  await prisma.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: new Date() } });
}

// --- evaluation ---

interface Subject {
  subject: string;
  label: string;
  value: number | null;
  sample: number;
  taskId?: string;
}

async function labels(kind: 'task' | 'project', ids: string[]) {
  const rows =
    kind === 'task'
      ? await prisma.task.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
      : await prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The subjects of a rule's scope with the metric's value and sample for each. */
async function subjectsFor(rule: AlertRuleValues, tallies: Tallies, now: Date): Promise<Subject[]> {
  const metric = rule.metric as AlertMetric;
  const window = rule.window as MetricWindow;
  if (metric === 'writeBackFailures' || metric === 'writeBackBacklog') {
    const perProject =
      metric === 'writeBackFailures'
        ? await writeBackFailuresSince(windowStart(window, now, 'Asia/Shanghai'))
        : new Map(
            (await prisma.writeBack.groupBy({ by: ['projectId'], where: { state: 'pending' }, _count: { _all: true } })).map(
              (r) => [r.projectId, r._count._all],
            ),
          );
    if (rule.scope === 'system') {
      const total = [...perProject.values()].reduce((a, b) => a + b, 0);
      return [{ subject: 'system', label: 'system', value: total, sample: total }];
    }
    const ids = rule.scopeRef ? [rule.scopeRef] : [...perProject.keys()];
    const names = await labels('project', ids);
    return ids.map((id) => ({
      subject: `project:${id}`,
      label: names.get(id) ?? id,
      value: perProject.get(id) ?? 0,
      sample: perProject.get(id) ?? 0,
    }));
  }
  if (metric === 'occupancy') {
    const states = (await prisma.agentPresence.findMany({ where: { NOT: { state: 'offline' } }, select: { state: true } })).map(
      (p) => p.state,
    );
    const o = occupancy(states);
    return [{ subject: 'system', label: 'system', value: o === null ? null : Math.round(o * 1000) / 10, sample: states.length }];
  }
  const of = (subject: string) => metricOfTally(metric, tallyOf(tallies, window, subject));
  if (rule.scope === 'system') return [{ subject: 'system', label: 'system', ...of('system') }];
  const ids = rule.scopeRef ? [rule.scopeRef] : subjectsOf(tallies, rule.scope);
  const names = rule.scope === 'task' || rule.scope === 'project' ? await labels(rule.scope, ids) : new Map<string, string>();
  return ids.map((id) => ({
    subject: `${rule.scope}:${id}`,
    label: names.get(id) ?? id,
    ...of(`${rule.scope}:${id}`),
    ...(rule.scope === 'task' ? { taskId: id } : {}),
  }));
}

const compiledCache = new Map<string, { updatedAt: number; rule: CompiledRule }>();

function compiledFor(rule: { id: string; updatedAt: Date; condition: unknown }): CompiledRule | null {
  const hit = compiledCache.get(rule.id);
  if (hit && hit.updatedAt === rule.updatedAt.getTime()) return hit.rule;
  const compiled = compileCondition(rule.condition, ALERT_SCOPE);
  if (!compiled.ok) return null;
  compiledCache.set(rule.id, { updatedAt: rule.updatedAt.getTime(), rule: compiled.value });
  return compiled.value;
}

const fmt = (metric: string, value: number | null) =>
  value === null
    ? '—'
    : metric === 'averageTalkSec'
      ? `${value} s`
      : metric.endsWith('Rate') || ['asr', 'serviceLevel', 'occupancy'].includes(metric)
        ? `${value} %`
        : String(value);

async function fire(
  rule: { id: string; name: string; severity: string; metric: string; window: string; condition: unknown },
  actions: AlertActions,
  s: Subject,
  now: Date,
) {
  const threshold = describeCondition(rule.condition as never);
  const message = `${rule.name}: ${s.label} — ${rule.metric} ${fmt(rule.metric, s.value)} (${rule.window}; ${threshold})`;
  const alert = await prisma.alert.create({
    data: {
      ruleId: rule.id,
      ruleName: rule.name,
      subject: s.subject,
      subjectLabel: s.label,
      severity: rule.severity,
      metric: rule.metric,
      window: rule.window,
      value: s.value ?? 0,
      sample: s.sample,
      firedAt: now,
      history: [{ at: now.toISOString(), event: 'fired', by: 'system', note: message }] as Prisma.InputJsonValue,
    },
  });
  if (actions.notify)
    await notifyWatchers(
      alert.id,
      rule.severity,
      rule.name,
      `${s.label} — ${rule.metric} ${fmt(rule.metric, s.value)} (${rule.window})`,
    );
  if (actions.plugin) {
    const outcome = await callHook(actions.plugin.installationId, 'send', [
      { to: actions.plugin.to, subject: `[${rule.severity}] ${rule.name}`, text: message },
    ]).catch((error: unknown) => ({ ok: false as const, error }));
    await addHistory(alert.id, { event: outcome.ok ? 'notified' : 'notifyFailed', by: 'system', note: actions.plugin.to });
  }
  if (actions.breaker !== 'none') {
    const target = s.subject.slice(s.subject.indexOf(':') + 1);
    try {
      const trip = await tripBreaker(
        {
          kind: actions.breaker,
          target,
          level: actions.capLevel,
          alertId: alert.id,
          reason: `⚠ ${message}`,
          cooldownMinutes: actions.cooldownMinutes,
        },
        now,
      );
      await addHistory(alert.id, {
        event: trip.tripped ? `breaker.${actions.breaker}` : 'breakerSkipped',
        by: 'system',
        note: target,
      });
    } catch (error) {
      log.warn({ err: error, rule: rule.id }, 'circuit breaker failed');
      await addHistory(alert.id, { event: 'breakerFailed', by: 'system', note: String((error as Error).message) });
    }
  }
  await publishLive({ topic: 'alert', data: { alertId: alert.id, state: 'firing', severity: rule.severity } }).catch(
    () => undefined,
  );
  return alert;
}

/** One evaluation of every enabled rule: fires, resolves, and settles breakers. */
export async function evaluateAlertRules(now = new Date()) {
  const rules = await prisma.alertRule.findMany({ where: { enabled: true } });
  let fired = 0;
  let resolved = 0;
  const tallies = rules.length ? await attemptTallies(now) : new Map();
  for (const row of rules) {
    const checked = checkAlertRule({ ...row, actions: row.actions });
    const compiled = compiledFor(row);
    if (!checked.ok || !compiled) {
      log.warn({ rule: row.id }, 'alert rule is invalid; skipped');
      continue;
    }
    const subjects = (await subjectsFor(checked.value, tallies, now)).filter((s) => s.value !== null);
    const matches = subjects.length
      ? await matchRows(
          compiled,
          subjects.map((s) => ({ value: s.value, sample: s.sample })),
        )
      : [];
    const open = await prisma.alert.findMany({ where: { ruleId: row.id, state: { not: 'resolved' } } });
    const openBySubject = new Map(open.map((a) => [a.subject, a]));
    for (const [i, s] of subjects.entries()) {
      const current = openBySubject.get(s.subject);
      if (matches[i] && !current) {
        await fire(row, AlertActionsSchema.parse(row.actions), s, now);
        fired++;
      } else if (!matches[i] && current) {
        await resolveAlert(MONITORING_ACTOR, current.id, 'conditionCleared');
        resolved++;
      } else if (current) {
        await prisma.alert.update({ where: { id: current.id }, data: { value: s.value ?? 0, sample: s.sample } });
      }
    }
  }
  const released = await settleBreakers(now);
  return { rules: rules.length, fired, resolved, released };
}

/** The worker's loop: evaluates every `everyMs`, one worker at a time (a transaction-scoped advisory lock). */
export function startAlertLoop(everyMs = 15_000): () => void {
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      // The lock lives as long as this transaction; the evaluation's own queries use other connections.
      await prisma.$transaction(
        async (tx) => {
          const [lock] = await tx.$queryRaw<
            { ok: boolean }[]
          >`SELECT pg_try_advisory_xact_lock(hashtext('waihu:monitoring:alerts')) AS ok`;
          if (lock?.ok) await evaluateAlertRules();
        },
        { timeout: 120_000, maxWait: 5_000 },
      );
    } catch (error) {
      log.error({ err: error }, 'alert evaluation failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void round(), everyMs);
  timer.unref?.();
  void round();
  return () => clearInterval(timer);
}
