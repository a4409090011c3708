import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { CHILD_SOURCE } from './child-source';
import { encodeColumns } from './columns';
import { ISOLATE_PRELUDE } from './prelude';

// The host side of the sandbox: a small pool of sandbox processes, each owning one isolate.
// Rows travel as typed columns (columns.ts) and results come back as one JSON string; a watchdog kills a
// process that stops answering (a loop the isolate's timeout cannot interrupt) and a process
// that dies (V8 aborts on some giant allocations) is replaced on the next call.

/** What the sandbox returns for a row: a plain value or an error marker. */
export type SandboxValue = null | boolean | number | string | (string | number | boolean | null)[] | SandboxFailure;
export interface SandboxFailure {
  $error:
    | 'timeout'
    | 'memory'
    | 'stack'
    | 'runtime'
    | 'unknownVariable'
    | 'notFinite'
    | 'resultType'
    | 'tooLarge'
    | 'syntax'
    | 'crashed';
  message: string;
}

export interface SandboxRule {
  /** Cache key: a hash of `source`. */
  id: string;
  /** A script that evaluates to a row function (see `wrapRule`). */
  source: string;
  /** The scope variables the rule reads: only these travel to the sandbox. */
  variables: readonly string[];
}

export interface SandboxOptions {
  processes: number;
  memoryMb: number;
  /** Time for one evaluation; a batch gets this plus `perRowMs` for each row. */
  timeLimitMs: number;
  perRowMs: number;
  /** Rows per message to a sandbox process. */
  chunkRows: number;
  /** Extra wait before a silent process is killed. */
  graceMs: number;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = {
  // One per core of the 2-core target machine. (A setting in env.server.ts could override it.)
  processes: 2,
  memoryMb: 64,
  timeLimitMs: 100,
  perRowMs: 0.05,
  chunkRows: 10000,
  graceMs: 1500,
};

interface Job {
  id: number;
  message: Record<string, unknown>;
  count: number;
  budgetMs: number;
  resolve: (values: SandboxValue[]) => void;
  reject: (error: Error) => void;
  /** Times this job was handed back because its process died before reaching it. */
  requeued?: number;
}

let nextId = 1;

// While a process has work, it and its channel keep the server's event loop alive; when idle they don't.
function hold(child: ChildProcess): void {
  child.ref();
  (child.channel as { ref?: () => void } | undefined)?.ref?.();
}

class SandboxProcess {
  private child: ChildProcess | null = null;
  private readonly inFlight = new Map<number, Job>();
  private order: Job[] = [];
  private watchdog: NodeJS.Timeout | null = null;
  private killedBy: 'timeout' | null = null;
  restarts = 0;

  constructor(
    private readonly options: SandboxOptions,
    /** Jobs queued behind one that killed the process never ran: the pool gives them to another. */
    private readonly orphaned: (jobs: Job[]) => void,
  ) {}

  get load(): number {
    return this.inFlight.size;
  }

  private start(): ChildProcess {
    const ivmPath = createRequire(import.meta.url).resolve('isolated-vm');
    const child = spawn(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--max-old-space-size=256', '-e', CHILD_SOURCE],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'advanced',
        // The sandbox process gets no secrets: only what it needs to find isolated-vm.
        env: { PATH: process.env.PATH ?? '', WAIHU_IVM_PATH: ivmPath } as unknown as NodeJS.ProcessEnv,
      },
    );
    child.on('message', (msg: { id: number; json?: string; whole?: SandboxFailure; ready?: boolean }) => this.reply(msg));
    child.on('exit', () => this.died(child));
    child.on('error', () => this.died(child));
    child.send({
      type: 'init',
      id: 0,
      prelude: ISOLATE_PRELUDE,
      memoryMb: this.options.memoryMb,
      compileMs: this.options.timeLimitMs * 10,
      recycleBytes: (this.options.memoryMb * 1024 * 1024) / 2,
    });
    this.child = child;
    this.killedBy = null;
    return child;
  }

  run(job: Job): void {
    const child = this.child ?? this.start();
    if (this.inFlight.size === 0) hold(child);
    this.inFlight.set(job.id, job);
    this.order.push(job);
    child.send({ ...job.message, type: 'eval', id: job.id, budgetMs: job.budgetMs });
    if (this.order.length === 1) this.arm();
  }

  // The watchdog waits for the oldest job: the process handles one message at a time.
  private arm(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    const head = this.order[0];
    if (!head) return;
    // A job's full budget may be spent up to three times (retries after timeouts).
    this.watchdog = setTimeout(() => this.kill('timeout'), head.budgetMs * 3 + this.options.graceMs);
  }

  private reply(msg: { id: number; json?: string; whole?: SandboxFailure }): void {
    const job = this.inFlight.get(msg.id);
    if (!job) return;
    this.inFlight.delete(msg.id);
    this.order = this.order.filter((j) => j !== job);
    this.arm();
    this.idleUnref();
    if (msg.whole) job.resolve(Array.from({ length: job.count }, () => msg.whole!));
    else {
      try {
        job.resolve(JSON.parse(msg.json ?? '[]') as SandboxValue[]);
      } catch (error) {
        job.reject(error as Error);
      }
    }
  }

  private idleUnref(): void {
    if (this.inFlight.size === 0 && this.child) {
      this.child.unref();
      (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
    }
  }

  kill(reason: 'timeout' | null): void {
    if (!this.child) return;
    this.killedBy = reason;
    this.child.kill('SIGKILL');
  }

  private died(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = null;
    this.restarts++;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    const failure: SandboxFailure = { $error: this.killedBy === 'timeout' ? 'timeout' : 'crashed', message: '' };
    // The process works through its messages in order: only the oldest job was running.
    const [head, ...waiting] = this.order;
    this.inFlight.clear();
    this.order = [];
    if (head) head.resolve(Array.from({ length: head.count }, () => failure));
    const retry: Job[] = [];
    for (const job of waiting) {
      job.requeued = (job.requeued ?? 0) + 1;
      if (job.requeued <= 3) retry.push(job);
      else job.resolve(Array.from({ length: job.count }, () => failure));
    }
    if (retry.length) this.orphaned(retry);
  }

  stats(): Promise<Record<string, number> | null> {
    const child = this.child;
    if (!child) return Promise.resolve(null);
    return new Promise((resolve) => {
      const id = nextId++;
      hold(child);
      child.once('exit', () => resolve(null));
      const onMessage = (msg: { id: number; stats?: Record<string, number> }) => {
        if (msg.id !== id) return;
        child.off('message', onMessage);
        this.idleUnref();
        resolve(msg.stats ?? null);
      };
      child.on('message', onMessage);
      child.send({ type: 'stats', id });
    });
  }
}

/** A pool of sandbox processes; one per process of the server is enough (see `sandboxPool()`). */
export class SandboxPool {
  private readonly processes: SandboxProcess[];
  private pending = new Map<
    string,
    {
      rule: SandboxRule;
      rows: unknown[];
      waiters: { start: number; count: number; resolve: (v: SandboxValue[]) => void; reject: (e: Error) => void }[];
    }
  >();
  private flushScheduled = false;

  constructor(readonly options: SandboxOptions = DEFAULT_SANDBOX_OPTIONS) {
    this.processes = Array.from(
      { length: options.processes },
      () =>
        new SandboxProcess(options, (jobs) => {
          for (const j of jobs) this.dispatch(j);
        }),
    );
  }

  /** Evaluates a rule over rows. Small calls arriving together for one rule share a message. */
  evaluate(rule: SandboxRule, rows: unknown[]): Promise<SandboxValue[]> {
    if (rows.length === 0) return Promise.resolve([]);
    if (rows.length >= this.options.chunkRows / 2) return this.evaluateChunks(rule, rows);
    return new Promise((resolve, reject) => {
      let group = this.pending.get(rule.id);
      if (!group || group.rows.length + rows.length > this.options.chunkRows) {
        if (group) this.flushGroup(group);
        group = { rule, rows: [], waiters: [] };
        this.pending.set(rule.id, group);
      }
      group.waiters.push({ start: group.rows.length, count: rows.length, resolve, reject });
      for (const row of rows) group.rows.push(row);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const groups = [...this.pending.values()];
    this.pending.clear();
    for (const group of groups) this.flushGroup(group);
  }

  private flushGroup(group: {
    rule: SandboxRule;
    rows: unknown[];
    waiters: { start: number; count: number; resolve: (v: SandboxValue[]) => void; reject: (e: Error) => void }[];
  }): void {
    if (this.pending.get(group.rule.id) === group) this.pending.delete(group.rule.id);
    this.chunk(group.rule, group.rows).then(
      (values) => {
        for (const w of group.waiters) w.resolve(values.slice(w.start, w.start + w.count));
      },
      (error: Error) => {
        for (const w of group.waiters) w.reject(error);
      },
    );
  }

  private async evaluateChunks(rule: SandboxRule, rows: unknown[]): Promise<SandboxValue[]> {
    const size = this.options.chunkRows;
    const parts: Promise<SandboxValue[]>[] = [];
    for (let i = 0; i < rows.length; i += size) parts.push(this.chunk(rule, rows.slice(i, i + size)));
    return (await Promise.all(parts)).flat();
  }

  private chunk(rule: SandboxRule, rows: unknown[]): Promise<SandboxValue[]> {
    const batch = encodeColumns(rows as Record<string, unknown>[], rule.variables);
    return new Promise((resolve, reject) => {
      this.dispatch({
        id: nextId++,
        count: rows.length,
        budgetMs: Math.ceil(this.options.timeLimitMs + rows.length * this.options.perRowMs),
        message: { ruleId: rule.id, source: rule.source, batch, count: rows.length },
        resolve,
        reject,
      });
    });
  }

  private dispatch(job: Job): void {
    this.processes.reduce((best, p) => (p.load < best.load ? p : best)).run(job);
  }

  /** Memory figures of each live sandbox process, for tests and the health page. */
  async stats(): Promise<(Record<string, number> | null)[]> {
    return Promise.all(this.processes.map((p) => p.stats()));
  }

  get restarts(): number {
    return this.processes.reduce((sum, p) => sum + p.restarts, 0);
  }

  close(): void {
    for (const p of this.processes) p.kill(null);
  }
}

let shared: SandboxPool | null = null;

/** The server's pool, started on first use. */
export function sandboxPool(): SandboxPool {
  shared ??= new SandboxPool();
  return shared;
}

export function closeSandboxPool(): void {
  shared?.close();
  shared = null;
}
