import type { WallboardSnapshot } from './metrics.server';

// The wallboard's figures in Prometheus text exposition format (version 0.0.4): one HELP and TYPE
// line per family, then its samples with labels. Ratios are 0–1 as Prometheus convention asks;
// a figure with nothing behind it (no answered call yet) is left out rather than reported as 0.

type Labels = Record<string, string>;
interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: { labels: Labels; value: number | null }[];
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderFamilies(families: Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      if (s.value === null || !Number.isFinite(s.value)) continue;
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      out.push(`${f.name}${labels ? `{${labels}}` : ''} ${s.value}`);
    }
  }
  return `${out.join('\n')}\n`;
}

const ratio = (pct: number | null) => (pct === null ? null : Math.round(pct * 10) / 1000);
const WINDOWS = ['15m', '1h', 'today', '30d'] as const;

export function prometheusText(s: WallboardSnapshot, alerts: { severity: string; count: number }[]): string {
  const g = (name: string, help: string, samples: Family['samples']): Family => ({ name, help, type: 'gauge', samples });
  const perTaskWindow = (pick: (f: WallboardSnapshot['tasks'][number]['windows'][string]) => number | null) =>
    s.tasks.flatMap((t) =>
      WINDOWS.map((w) => ({ labels: { task: t.name, task_id: t.id, window: w }, value: pick(t.windows[w] as never) })),
    );
  const agentStates = new Map<string, number>();
  for (const a of s.agents) agentStates.set(a.state, (agentStates.get(a.state) ?? 0) + 1);
  return renderFamilies([
    g('waihu_calls_ringing', 'Calls launched and not yet answered (queued, dialing, ringing).', [
      { labels: {}, value: s.system.ringing },
      ...s.tasks.map((t) => ({ labels: { task: t.name, task_id: t.id }, value: t.ringing })),
    ]),
    g('waihu_calls_connected', 'Answered calls in progress (answered, connected to an agent, with the robot).', [
      { labels: {}, value: s.system.connected },
      ...s.tasks.map((t) => ({ labels: { task: t.name, task_id: t.id }, value: t.connected })),
    ]),
    g('waihu_answer_rate', 'Answered (human or machine) / calls placed, by window.', [
      ...WINDOWS.map((w) => ({ labels: { window: w }, value: ratio(s.system.windows[w]?.answerRate ?? null) })),
      ...perTaskWindow((f) => ratio(f.answerRate)),
    ]),
    g('waihu_abandon_rate', 'Abandoned / answered by a live person (regulatory definition), by window.', [
      ...WINDOWS.map((w) => ({ labels: { window: w }, value: ratio(s.system.windows[w]?.abandonRate ?? null) })),
      ...perTaskWindow((f) => ratio(f.abandonRate)),
    ]),
    g(
      'waihu_service_level',
      'Human answers connected to an agent within 2 s / human answers, by window.',
      WINDOWS.map((w) => ({ labels: { window: w }, value: ratio(s.system.windows[w]?.serviceLevel ?? null) })),
    ),
    g(
      'waihu_average_talk_seconds',
      'Mean talk time of calls connected to an agent, by window.',
      WINDOWS.map((w) => ({ labels: { window: w }, value: s.system.windows[w]?.averageTalkSec ?? null })),
    ),
    g('waihu_asr', 'Answer-seizure ratio per trunk and per caller ID (last hour and today).', [
      ...s.trunks.flatMap((t) => [
        { labels: { trunk: t.id, window: '1h' }, value: ratio(t.hour.asr) },
        { labels: { trunk: t.id, window: 'today' }, value: ratio(t.today.asr) },
      ]),
      ...s.callerIds.flatMap((c) => [
        { labels: { caller_id: c.id, window: '1h' }, value: ratio(c.hour.asr) },
        { labels: { caller_id: c.id, window: 'today' }, value: ratio(c.today.asr) },
      ]),
    ]),
    g('waihu_occupancy_ratio', 'Agents busy (reserved, talking, wrap-up) / agents staffed (not paused), now.', [
      { labels: {}, value: ratio(s.system.occupancy) },
    ]),
    g(
      'waihu_agents',
      'Agents by state.',
      [...agentStates].map(([state, n]) => ({ labels: { state }, value: n })),
    ),
    g(
      'waihu_task_remaining_contacts',
      'Open contacts of the task selection not on the do-not-call list.',
      s.tasks.map((t) => ({ labels: { task: t.name, task_id: t.id }, value: t.remaining })),
    ),
    g(
      'waihu_task_pacing_level',
      'Lines per agent the predictive pacer dials at (last dialer report).',
      s.tasks.map((t) => ({ labels: { task: t.name, task_id: t.id }, value: t.pacingLevel })),
    ),
    g(
      'waihu_trunk_channels_in_use',
      'Channels in use per trunk.',
      s.trunks.map((t) => ({ labels: { trunk: t.id }, value: t.inUse })),
    ),
    g(
      'waihu_trunk_channels_capacity',
      'Channel capacity per trunk.',
      s.trunks.map((t) => ({ labels: { trunk: t.id }, value: t.capacity })),
    ),
    g('waihu_writeback_backlog', 'Write-backs waiting for delivery.', [{ labels: {}, value: s.writeBack.backlog }]),
    g('waihu_writeback_dead', 'Write-backs given up after the maximum tries (dead letters).', [
      { labels: {}, value: s.writeBack.dead },
    ]),
    g('waihu_writeback_failed', 'Write-back items whose last try failed within the window.', [
      { labels: { window: '10m' }, value: s.writeBack.failed10m },
      { labels: { window: '1h' }, value: s.writeBack.failed1h },
    ]),
    g(
      'waihu_job_queue_ready',
      'Jobs ready to run, per queue.',
      s.queues.map((q) => ({ labels: { queue: q.queue }, value: q.ready })),
    ),
    g(
      'waihu_job_queue_lag_seconds',
      'How long the oldest ready job has waited, per queue.',
      s.queues.map((q) => ({ labels: { queue: q.queue }, value: q.lagSec })),
    ),
    g(
      'waihu_alerts_open',
      'Alerts firing or acknowledged, by severity.',
      alerts.map((a) => ({ labels: { severity: a.severity }, value: a.count })),
    ),
    g(
      'waihu_breakers_active',
      'Circuit breakers tripped and not released, by kind.',
      ['pauseTask', 'capPacing', 'disableTrunk', 'disableCallerId'].map((kind) => ({
        labels: { kind },
        value: s.breakers.filter((b) => b.kind === kind).length,
      })),
    ),
  ]);
}
