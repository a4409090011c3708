import type { Browser } from './http';
import { noteError } from './http';

// One agent's workstation as app/routes/agent.tsx drives it: the page, its live stream
// (/agent/live), a heartbeat every 10 s, ready; a screen-pop per call (and /agent/pop when the
// agent is reserved), a hang-up after the talk time the agent chose (unless the customer ended
// first), the wrap-up form's context and its submission, and the page data reloaded on ready.

const HEARTBEAT_MS = 10_000; // app/routes/agent.tsx

export interface FloorStats {
  /** Whether figures count (the whole run: a stalled dialer must not leave them empty). */
  measuring: boolean;
  screenPopMs: number[];
  wrapUpMs: number[];
  calls: number;
  pops: number;
  wentOffline: number;
}

interface Disposition {
  code: string;
  outcome?: string;
  children?: Disposition[];
}

const leaves = (tree: Disposition[]): Disposition[] =>
  tree.flatMap((d) => (d.children?.length ? leaves(d.children) : d.outcome && d.outcome !== 'callback' ? [d] : []));

/** A log-normal draw with mean `mean` (seconds of simulated time). */
function logNormal(mean: number, sigma = 0.5): number {
  const u = 1 - Math.random();
  const v = Math.random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * z);
}

export interface WorkstationOptions {
  timeScale: number;
  /** Mean talk time the agent allows before hanging up, simulated seconds. */
  talkMeanSec: number;
  /** Mean time spent on the wrap-up form, simulated seconds. */
  wrapUpMeanSec: number;
}

export class Workstation {
  private call: { attemptId: string; ended: boolean; hangup?: NodeJS.Timeout } | null = null;
  private wrapping = new Set<string>();
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly browser: Browser,
    private readonly stats: FloorStats,
    private readonly options: WorkstationOptions,
  ) {}

  private later(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  /** Opens the page and its stream, starts the heartbeat and sets the agent ready. */
  async start(signal: AbortSignal): Promise<void> {
    await this.browser.request('/agent');
    let opened: () => void = () => {};
    const open = new Promise<void>((r) => {
      opened = r;
    });
    this.browser.stream(
      '/agent/live',
      signal,
      (event, data) => this.onEvent(event, data),
      () => {
        opened();
        // useAgentLive's onOpen: the page reloads its data on every (re)connect.
        void this.browser.request('/agent.data');
      },
    );
    await open;
    const beat = setInterval(() => void this.browser.request('/agent/state', { json: { intent: 'heartbeat' } }), HEARTBEAT_MS);
    signal.addEventListener('abort', () => {
      clearInterval(beat);
      for (const t of this.timers) clearTimeout(t);
    });
    await this.ready();
  }

  private async ready() {
    const r = await this.browser.json<{ ok: boolean; error?: string }>('/agent/state', { json: { intent: 'ready' } });
    if (r && !r.data.ok) noteError('rejected', `ready: ${r.data.error}`);
  }

  private onEvent(event: string, raw: string) {
    let message: { topic: string; data: Record<string, unknown>; at: string };
    try {
      message = JSON.parse(raw);
    } catch {
      noteError('rejected', `unreadable ${event} message`);
      return;
    }
    const { data } = message;
    if (event === 'screenPop') {
      const attempt = data.attempt as { id: string; endedAt: string | null } | undefined;
      if (!attempt) return noteError('rejected', 'screen-pop without its attempt');
      this.stats.pops++;
      if (this.stats.measuring) this.stats.screenPopMs.push(Date.now() - Date.parse(message.at));
      if (this.call?.attemptId === attempt.id) return;
      this.call = { attemptId: attempt.id, ended: !!attempt.endedAt };
      const talkMs = (logNormal(this.options.talkMeanSec) * 1000) / this.options.timeScale;
      const call = this.call;
      call.hangup = this.later(talkMs, () => {
        if (call.ended) return;
        void this.browser.json<{ ok: boolean }>('/agent/call', { json: { action: 'hangup' } });
      });
    } else if (event === 'attempt') {
      if (this.call && data.id === this.call.attemptId && data.state === 'ended') {
        this.call.ended = true;
        if (this.call.hangup) clearTimeout(this.call.hangup);
      }
    } else if (event === 'agent') {
      const state = String(data.state);
      const attemptId = typeof data.attemptId === 'string' ? data.attemptId : null;
      if (state === 'reserved' && attemptId) void this.browser.request(`/agent/pop/${attemptId}`, { accept: [404] });
      else if (state === 'wrapUp' && attemptId) void this.wrapUp(attemptId);
      else if (state === 'ready' || state === 'paused') void this.browser.request('/agent.data');
      else if (state === 'offline') {
        // The server gave up on this browser's heartbeat: a failure of the web process's timing.
        this.stats.wentOffline++;
        noteError('rejected', 'agent set offline by the server');
        void this.ready();
      }
    }
  }

  private async wrapUp(attemptId: string) {
    if (this.wrapping.has(attemptId)) return;
    this.wrapping.add(attemptId);
    try {
      if (this.call?.attemptId === attemptId) {
        this.call.ended = true;
        if (this.call.hangup) clearTimeout(this.call.hangup);
      }
      const context = await this.browser.json<{ context: { dispositions: Disposition[]; submitted: boolean } | null }>(
        `/agent/wrapup?attemptId=${attemptId}`,
      );
      const choices = leaves(context?.data.context?.dispositions ?? []);
      if (!context?.data.context || !choices.length) return noteError('rejected', `no wrap-up form for ${attemptId}`);
      await new Promise<void>((r) => this.later((logNormal(this.options.wrapUpMeanSec) * 1000) / this.options.timeScale, r));
      const choice = choices[Math.floor(Math.random() * choices.length)] as Disposition;
      const started = performance.now();
      const answer = await this.browser.json<{ ok: boolean; errors?: unknown }>('/agent/wrapup', {
        json: { attemptId, dispositionCode: choice.code, notes: '客户已接听，已记录。' },
        accept: [422],
      });
      const ms = performance.now() - started;
      if (!answer) return;
      if (!answer.data.ok) return noteError('rejected', `wrap-up ${JSON.stringify(answer.data.errors)}`);
      if (this.stats.measuring) {
        this.stats.wrapUpMs.push(ms);
        this.stats.calls++;
      }
    } finally {
      this.wrapping.delete(attemptId);
    }
  }
}
