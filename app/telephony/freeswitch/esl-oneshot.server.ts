import net from 'node:net';

// A short Event Socket session: connect, authenticate, run a few `api` commands, exit. For the
// settings page's "test connection" and the plugins' status checks; the dialer keeps its own
// long-lived client. Frames: header lines ended by an empty line, then Content-Length bytes
// (shared/notes/freeswitch.md §1).

export interface EslTarget {
  host: string;
  port: number;
  password: string;
  /** Whole session, ms (default 5000). */
  timeoutMs?: number;
}

export class EslError extends Error {}

interface Frame {
  headers: Record<string, string>;
  body: string;
}

/** Cuts frames out of a byte buffer; keeps an incomplete frame for the next read. */
export function takeFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let rest = buffer;
  for (;;) {
    const end = rest.indexOf('\n\n');
    if (end < 0) break;
    const headers: Record<string, string> = {};
    for (const line of rest.subarray(0, end).toString('utf8').split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['Content-Length'] ?? 0);
    if (rest.length < end + 2 + length) break;
    frames.push({ headers, body: rest.subarray(end + 2, end + 2 + length).toString('utf8') });
    rest = rest.subarray(end + 2 + length);
  }
  return { frames, rest };
}

/** Runs `api <command>` for each command in order; resolves with the response bodies. */
export function eslApiSession(target: EslTarget, commands: string[]): Promise<string[]> {
  for (const c of [...commands, target.password]) {
    if (/[\r\n]/.test(c)) return Promise.reject(new EslError('commands and the password must be one line each'));
  }
  const where = `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const results: string[] = [];
    let buffer: Buffer = Buffer.alloc(0);
    let stage: 'auth-request' | 'auth-reply' | 'api' = 'auth-request';
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!error && !socket.destroyed) socket.end('exit\n\n');
      socket.destroy();
      if (error) reject(error);
      else resolve(results);
    };
    const timer = setTimeout(
      () => finish(new EslError(`no answer from the Event Socket at ${where} within ${target.timeoutMs ?? 5000} ms`)),
      target.timeoutMs ?? 5000,
    );
    const next = () => {
      const command = commands[results.length];
      if (command === undefined) finish(null);
      else socket.write(`api ${command}\n\n`);
    };
    socket.on('data', (chunk) => {
      const cut = takeFrames(Buffer.concat([buffer, chunk]));
      buffer = cut.rest;
      for (const frame of cut.frames) {
        const type = frame.headers['Content-Type'];
        if (type === 'text/rude-rejection')
          return finish(new EslError(`the Event Socket at ${where} refused this address (ACL): ${frame.body.trim()}`));
        if (type === 'text/disconnect-notice') return finish(new EslError(`the Event Socket at ${where} closed the session`));
        if (stage === 'auth-request' && type === 'auth/request') {
          stage = 'auth-reply';
          socket.write(`auth ${target.password}\n\n`);
        } else if (stage === 'auth-reply' && type === 'command/reply') {
          const reply = frame.headers['Reply-Text'] ?? '';
          if (!reply.startsWith('+OK'))
            return finish(new EslError(`the Event Socket at ${where} rejected the password (${reply})`));
          stage = 'api';
          next();
        } else if (stage === 'api' && type === 'api/response') {
          results.push(frame.body);
          next();
        }
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ECONNREFUSED'
          ? 'connection refused (is mod_event_socket listening there?)'
          : error.code === 'ENOTFOUND'
            ? 'host not found'
            : error.message;
      finish(new EslError(`cannot reach the Event Socket at ${where}: ${why}`));
    });
    socket.on('close', () => finish(new EslError(`the Event Socket at ${where} closed the connection`)));
  });
}
