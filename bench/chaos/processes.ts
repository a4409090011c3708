import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../app/db/embedded-postgres.server';

// The processes the chaos run starts, kills and restarts: `waihu dialer` and `waihu worker`
// children (each restarted after a kill, and after a crash of its own — what systemd's
// Restart=always would do — counted apart), and the embedded PostgreSQL they all share.

export type Role = 'dialer' | 'worker';

export interface Member {
  name: string;
  role: Role;
  child: ChildProcess | null;
  /** Exits nobody asked for (a crash), with the last log lines before each. */
  crashes: string[];
  /** Starts that failed (PostgreSQL away): retried a second later. */
  failedStarts: number;
}

export function startFleet(opts: { env: NodeJS.ProcessEnv; logDir: string; roles: Role[] }) {
  const members: Member[] = opts.roles.map((role, i) => ({
    name: `${role}${i}`,
    role,
    child: null,
    crashes: [],
    failedStarts: 0,
  }));
  let stopping = false;

  const spawnMember = (m: Member): Promise<void> => {
    const log = fs.createWriteStream(path.join(opts.logDir, `${m.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['bin/waihu.js', m.role], {
      env: { ...opts.env, WAIHU_LOG_LEVEL: 'info', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    m.child = child;
    let tail = '';
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const ready = m.role === 'dialer' ? /dialer started/ : /worker started/;
    return new Promise((resolve) => {
      let started = false;
      const onData = () => {
        if (!started && ready.test(tail)) {
          started = true;
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.on('exit', (code, signal) => {
        log.end();
        if (m.child === child) m.child = null;
        if (!started) resolve();
        // Killed by the chaos loop (SIGKILL it sent) or stopped at the end: not a crash.
        if (stopping || signal === 'SIGKILL') return;
        // A process that cannot start while PostgreSQL is down exits; only a running one's exit is a crash.
        if (started) m.crashes.push(`${m.name} exited (${code ?? signal}): ${tail.slice(-600)}`);
        else m.failedStarts++;
        setTimeout(() => void (stopping ? undefined : spawnMember(m)), 1000);
      });
    });
  };

  return {
    members,
    start: () => Promise.all(members.map(spawnMember)).then(() => undefined),
    /** kill -9 one member and start it again; resolves when the new one is up. */
    async kill(m: Member): Promise<void> {
      const child = m.child;
      if (!child) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
      await spawnMember(m);
    },
    /** SIGTERM the members of a role (a clean stop) and wait for them. */
    async stop(role?: Role): Promise<void> {
      stopping = true;
      await Promise.all(
        members
          .filter((m) => (!role || m.role === role) && m.child)
          .map((m) => {
            const child = m.child as ChildProcess;
            const gone = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
            return gone.then(() => clearTimeout(force));
          }),
      );
    },
    crashes: () => members.flatMap((m) => m.crashes),
  };
}

/** The embedded PostgreSQL on a fixed port, so that a restart comes back where the clients look. */
export async function chaosPostgres(dataDir: string) {
  let db = await startEmbeddedPostgres({ dataDir });
  const port = db.port;
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  return {
    url: db.url(),
    /**
     * An immediate shutdown (SIGQUIT: no checkpoint, clients cut off, crash recovery on the next
     * start), `downMs` of nothing listening, then a start on the same folder and port.
     */
    async crashAndRestart(downMs: number): Promise<void> {
      const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
      for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, downMs));
      db = await startEmbeddedPostgres({ dataDir, port });
    },
    stop: () => db.stop(),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
