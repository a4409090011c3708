/**
 * FreeSWITCH Event Socket framing (mod_event_socket.c): `Name: value` header lines ended by an
 * empty line; with `Content-Length: N`, exactly N body BYTES follow. TCP reads do not follow
 * frames (one read can hold several frames or end mid-frame), so bytes are buffered and cut here.
 */

export interface EslFrame {
  /** Header names as sent (case kept); values as sent (not URL-decoded). */
  headers: Record<string, string>;
  /** The body, decoded as UTF-8; undefined when the frame had no Content-Length. */
  body?: string;
}

export class EslFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EslFrameError';
  }
}

const LF = 0x0a;
/** A header block larger than this is not ESL: stop rather than buffer without end. */
const MAX_HEADER_BYTES = 64 * 1024;
/** FreeSWITCH bodies (show channels, big events) stay far below this. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Parses `Name: value` lines (`\n` separated); a line without `: ` is a protocol error. */
export function parseHeaderLines(text: string, where: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new EslFrameError(`ESL ${where}: header line without a name: ${JSON.stringify(line.slice(0, 80))}`);
    headers[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
  }
  return headers;
}

/** Incremental parser: `push(chunk)` returns the frames completed by that chunk, in order. */
export class EslFrameParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Headers of a frame whose body has not fully arrived yet. */
  private pending: { headers: Record<string, string>; length: number } | null = null;

  push(chunk: Buffer | string): EslFrame[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, bytes]) : bytes;
    const frames: EslFrame[] = [];
    let offset = 0;
    for (;;) {
      if (this.pending) {
        if (this.buffer.length - offset < this.pending.length) break;
        const body = this.buffer.toString('utf8', offset, offset + this.pending.length);
        offset += this.pending.length;
        frames.push({ headers: this.pending.headers, body });
        this.pending = null;
        continue;
      }
      // Blank lines between frames are tolerated (never seen, but harmless).
      while (offset < this.buffer.length && this.buffer[offset] === LF) offset++;
      const end = this.headerEnd(offset);
      if (end < 0) {
        if (this.buffer.length - offset > MAX_HEADER_BYTES) {
          throw new EslFrameError(`ESL frame: no end of headers within ${MAX_HEADER_BYTES} bytes`);
        }
        break;
      }
      const headers = parseHeaderLines(this.buffer.toString('utf8', offset, end), 'frame');
      offset = end + 2;
      const declared = headers['Content-Length'];
      if (declared === undefined) {
        frames.push({ headers });
        continue;
      }
      const length = Number(declared);
      if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
        throw new EslFrameError(`ESL frame: bad Content-Length ${JSON.stringify(declared)}`);
      }
      this.pending = { headers, length };
    }
    this.buffer = offset >= this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
    return frames;
  }

  /** Bytes held for an incomplete frame (0 between frames). */
  get buffered(): number {
    return this.buffer.length + (this.pending ? 1 : 0);
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.pending = null;
  }

  /** Index of the first byte of the "\n\n" ending the header block that starts at `from`. */
  private headerEnd(from: number): number {
    for (let i = from; i + 1 < this.buffer.length; i++) {
      if (this.buffer[i] === LF && this.buffer[i + 1] === LF) return i;
    }
    return -1;
  }
}
