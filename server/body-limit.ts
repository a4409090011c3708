import { Transform, type TransformCallback } from 'node:stream';
import type express from 'express';
import { type BodyLimit, bodyLimitFor } from '../app/utils/body-limits';
import { logger } from '../app/utils/logger.server';

const NO_BODY = new Set(['GET', 'HEAD']);

export class BodyTooLargeError extends Error {
  constructor(readonly limit: BodyLimit) {
    super(`request body larger than ${limit.bytes} bytes`);
  }
}

/** Passes bytes through and fails once more than `bytes` went by (a chunked body has no length to check up front). */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: BodyLimit) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.seen += chunk.byteLength;
    if (this.seen > this.limit.bytes) done(new BodyTooLargeError(this.limit));
    else done(null, chunk);
  }
}

function refuse(req: express.Request, res: express.Response, limit: BodyLimit, declared?: number) {
  logger.warn({ path: req.path, limit: limit.bytes, declared }, 'request body too large');
  if (res.headersSent) return;
  // Close the connection: the rest of an oversized body is not worth reading.
  res.setHeader('Connection', 'close');
  res.status(413).json({
    ok: false,
    error: limit.error,
    limitBytes: limit.bytes,
    message: `The request body is larger than ${limit.bytes} bytes, the most ${req.method} ${req.path} accepts.`,
  });
}

/**
 * The request body Remix reads, limited: a declared Content-Length over the limit is refused
 * before a byte is read; a body without one (chunked) is counted as it streams and refused
 * with 413 at the first byte over (`onRefused` then aborts the route, so that its failed read
 * is not logged as an error). Returns null when the request has no body.
 */
export function limitedBody(
  req: express.Request,
  res: express.Response,
  defaultBytes: number,
  onRefused: () => void,
): { body: NodeJS.ReadableStream | null; refused: boolean } {
  if (NO_BODY.has(req.method)) return { body: null, refused: false };
  const limit = bodyLimitFor(req.path, defaultBytes);
  const declared = req.get('content-length');
  if (declared !== undefined && Number(declared) > limit.bytes) {
    refuse(req, res, limit, Number(declared));
    onRefused();
    req.resume();
    return { body: null, refused: true };
  }
  const counted = new ByteLimit(limit);
  counted.on('error', (error) => {
    if (!(error instanceof BodyTooLargeError)) return;
    req.unpipe(counted);
    req.resume();
    refuse(req, res, limit);
    onRefused();
  });
  return { body: req.pipe(counted), refused: false };
}
