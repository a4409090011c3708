/**
 * Test helpers: the recorded FreeSWITCH sessions (tests/fixtures/freeswitch, byte-exact, see its
 * README) and a 127.0.0.1 server that plays a recording's `in` side back to a real client: on
 * connect it sends what FreeSWITCH sent before the first command, and each command the client
 * writes releases what FreeSWITCH sent after the recorded command at that position. The bytes
 * are the recorded reads, in their recorded chunks; nothing is made up.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { FreeswitchConfig } from './config';

export interface Recorded {
  dir: 'in' | 'out';
  t_ms: number;
  data: string;
}

const FIXTURES = new URL('../../../tests/fixtures/freeswitch/', import.meta.url);

export function loadRecording(name: string): Recorded[] {
  return fs
    .readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Recorded);
}

export const recordingNames = () =>
  fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.jsonl') && (f.startsWith('esl-') || f.endsWith('-esl.jsonl')))
    .sort();

/** The `in` reads of a recording, as bytes. */
export const inChunks = (rec: Recorded[]) => rec.filter((r) => r.dir === 'in').map((r) => Buffer.from(r.data, 'utf8'));

/** The recording up to (not including) its `n`-th write (0-based), for a connection that stops there. */
export function untilWrite(rec: Recorded[], n: number): Recorded[] {
  let writes = 0;
  const out: Recorded[] = [];
  for (const r of rec) {
    if (r.dir === 'out' && writes++ === n) break;
    out.push(r);
  }
  return out;
}

export interface ReplayServer {
  port: number;
  /** Commands each connection received, in order. */
  written: string[][];
  /** Closes every open connection (a network fault, from the client's side). */
  dropAll(): void;
  /** Resolves once every chunk released so far has been written to the socket. */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

/** `scripts[i]` plays on the i-th connection (the last one again for later connections). */
export async function replayServer(scripts: Recorded[][]): Promise<ReplayServer> {
  const written: string[][] = [];
  const sockets = new Set<net.Socket>();
  let pendingWrites = Promise.resolve();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const script = scripts[Math.min(written.length, scripts.length - 1)] ?? [];
    const log: string[] = [];
    written.push(log);
    let position = 0;
    let received = 0;
    let replies = 0;
    /** Recorded writes already passed over for a client that pipelined (see below). */
    let credit = 0;
    const release = () => {
      while (position < script.length && script[position]?.dir === 'in') {
        const chunk = script[position++]!.data;
        replies += chunk.match(/^Content-Type: (command\/reply|api\/response)$/gm)?.length ?? 0;
        const last = chunk.includes('Content-Type: text/disconnect-notice');
        pendingWrites = pendingWrites.then(
          () =>
            new Promise<void>((resolve) =>
              socket.write(chunk, () => {
                if (last) socket.end();
                resolve();
              }),
            ),
        );
      }
    };
    release();
    let buffer = '';
    socket.on('data', (data) => {
      buffer += data.toString('utf8');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const command = buffer.slice(0, end + 2);
        buffer = buffer.slice(end + 2);
        log.push(command);
        received++;
        if (credit > 0) {
          credit--;
          continue;
        }
        const next = script.slice(position).find((x) => x.dir === 'out');
        if (!next || (command === 'exit\n\n' && next.data !== command)) {
          // Past the recording, or leaving early: FreeSWITCH closes after `exit`.
          if (command === 'exit\n\n') socket.end();
          continue;
        }
        position++; // the recorded write this command stands for
        release();
        // The recorded client sent several commands before the first reply; ours waits for each
        // reply, so play on to the reply it waits for and count the writes passed over.
        while (received > replies && position < script.length) {
          position++;
          credit++;
          release();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    written,
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    flushed: async () => {
      await pendingWrites;
      await new Promise((r) => setTimeout(r, 20));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The configuration the recordings were made with (password ClueCon), on the replay server's port. */
export function recordedConfig(port: number, overrides: Partial<FreeswitchConfig> = {}): FreeswitchConfig {
  return {
    eslHost: '127.0.0.1',
    eslPort: port,
    eslPassword: 'ClueCon',
    amd: 'off',
    tts: { engine: 'flite', voice: 'kal' },
    ...overrides,
  };
}

/** Ids handed out in order (Job-UUIDs, agent legs, Event-UUIDs the recordings used). */
export function idSequence(...ids: string[]): () => string {
  let i = 0;
  return () => {
    const id = ids[i++];
    if (!id) throw new Error(`idSequence: only ${ids.length} ids given`);
    return id;
  };
}

/** Waits (real time, short polls) until `done()` holds. */
export async function until(done: () => boolean, what: string, maxMs = 5000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > maxMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
