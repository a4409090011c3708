/**
 * Events out of ESL frames. `text/event-json` is one JSON object with raw values (body under
 * `_body`, a repeated header as an array); `text/event-plain` is a header block with URL-encoded
 * values and, for BACKGROUND_JOB, a nested body with its own Content-Length: parsed twice.
 */
import { type EslFrame, EslFrameError, parseHeaderLines } from './frame-parser';

export interface EslEvent {
  name: string;
  /** Header values, decoded; a repeated header keeps its first value. */
  headers: Record<string, string>;
  body?: string;
}

export function isEventFrame(frame: EslFrame): boolean {
  const type = frame.headers['Content-Type'];
  return type === 'text/event-json' || type === 'text/event-plain';
}

/** The event carried by a `text/event-json` or `text/event-plain` frame. */
export function parseEvent(frame: EslFrame): EslEvent {
  const type = frame.headers['Content-Type'];
  const text = frame.body ?? '';
  if (type === 'text/event-json') return fromJson(text);
  if (type === 'text/event-plain') return fromPlain(text);
  throw new EslFrameError(`ESL: not an event frame (Content-Type ${JSON.stringify(type)})`);
}

function fromJson(text: string): EslEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EslFrameError(`ESL event-json: body is not JSON (${(error as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new EslFrameError('ESL event-json: body is not an object');
  const headers: Record<string, string> = {};
  let body: string | undefined;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '_body') body = String(value);
    else if (Array.isArray(value)) headers[key] = value.length ? String(value[0]) : '';
    else if (value !== null && value !== undefined) headers[key] = String(value);
  }
  return withName(headers, body);
}

function fromPlain(text: string): EslEvent {
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const encoded = parseHeaderLines(head, 'event-plain');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(encoded)) headers[key] = safeDecode(value);
  let body: string | undefined;
  if (split >= 0) {
    const rest = Buffer.from(text.slice(split + 2), 'utf8');
    const length = Number(headers['Content-Length'] ?? rest.length);
    body = rest.subarray(0, Number.isInteger(length) ? length : rest.length).toString('utf8');
  }
  return withName(headers, body);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function withName(headers: Record<string, string>, body: string | undefined): EslEvent {
  const name = headers['Event-Name'];
  if (!name) throw new EslFrameError('ESL event without Event-Name');
  return body === undefined ? { name, headers } : { name, headers, body };
}
