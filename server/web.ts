import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  createReadableStreamFromReadable,
  createRequestHandler,
  type ServerBuild,
  writeReadableStreamToWritable,
} from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { env } from '../app/env.server';
import { REMOTE_ADDRESS_HEADER } from '../app/modules/auth/session.server';
import { logger } from '../app/utils/logger.server';
import { requestIdFrom, withRequestId } from '../app/utils/request-context.server';
import { limitedBody } from './body-limit';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_COOKIE = /(?:^|;\s*)waihu_session=/;

function hostOf(url: string | undefined): string | null {
  if (!url || url === 'null') return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** Where a mutation came from, by the best evidence the browser sent; `unknown` when it sent none. */
export function requestSite(req: express.Request): 'same' | 'cross' | 'unknown' {
  const own = new Set([requestHost(req).toLowerCase()]);
  const configured = hostOf(env().WAIHU_PUBLIC_URL);
  if (configured) own.add(configured.toLowerCase());
  const origin = req.get('origin');
  // "Origin: null" (sandboxed frames, cross-site redirects) is never our page.
  if (origin !== undefined) return own.has(hostOf(origin)?.toLowerCase() ?? '') ? 'same' : 'cross';
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none' ? 'same' : 'cross';
  const referer = req.get('referer');
  if (referer) return own.has(hostOf(referer)?.toLowerCase() ?? '') ? 'same' : 'cross';
  return 'unknown';
}

/**
 * Cross-site request forgery guard for browser mutations (ADR 108): a POST/PUT/PATCH/DELETE must
 * come from our own origin, judged by Origin, then Sec-Fetch-Site, then Referer. A request with
 * none of them is a browser's only if it carries the session cookie (every current browser sends
 * Origin on such posts), so that one is refused and a cookie-less one (FreeSWITCH's directory
 * look-up, a script) is let through to its route's own check. The key-authenticated API
 * (/api/v1, no cookies) is exempt.
 */
export function sameOriginMutations(req: express.Request, res: express.Response, next: express.NextFunction) {
  if (SAFE_METHODS.has(req.method) || req.path.startsWith('/api/v1/')) return next();
  const site = requestSite(req);
  const hasSession = SESSION_COOKIE.test(req.get('cookie') ?? '');
  if (site === 'same' || (site === 'unknown' && !hasSession)) return next();
  logger.warn(
    { path: req.path, origin: req.get('origin'), referer: req.get('referer'), site: req.get('sec-fetch-site') },
    'cross-site mutation refused',
  );
  res
    .status(403)
    .type('text/plain')
    .send(
      site === 'cross'
        ? 'Cross-site request refused: this form was not sent from a page of this site. Reload the page and try again.'
        : 'Request refused: the browser did not say which site sent it (no Origin or Referer header). Reload the page and try again.',
    );
}

/**
 * Gives each request an id (a proxy's well-formed `X-Request-Id` is kept), answers it in the
 * response header, runs the request under it (every log line carries it as `reqId`), and logs
 * server errors with it so a 500 always has a logged line to find.
 */
export function requestIds(req: express.Request, res: express.Response, next: express.NextFunction) {
  const id = requestIdFrom(req.get('x-request-id'));
  res.setHeader('X-Request-Id', id);
  const started = performance.now();
  res.on('finish', () => {
    if (res.statusCode >= 500)
      withRequestId(id, () =>
        logger.error(
          {
            role: 'web',
            method: req.method,
            path: req.path,
            status: res.statusCode,
            ms: Math.round(performance.now() - started),
          },
          'request failed',
        ),
      );
  });
  // The connection's end, for responses that outlive their handler (server-sent events).
  const closed = new AbortController();
  res.on('close', () => closed.abort());
  withRequestId(id, next, closed.signal);
}

/**
 * The host the browser addressed: `X-Forwarded-Host` from a proxy WAIHU_TRUST_PROXY trusts,
 * otherwise `Host` (with its port, which Express's `req.hostname` drops).
 */
export function requestHost(req: express.Request): string {
  const trusted = (req.app.get('trust proxy fn') as (address: string, hop: number) => boolean)(req.socket.remoteAddress ?? '', 0);
  const forwarded = trusted ? req.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return forwarded || req.get('host') || 'localhost';
}

/**
 * Remix behind Express (what @remix-run/express does, which keeps these parts private), with the
 * request body limited by server/body-limit.ts.
 */
export function remixHandler(build: ServerBuild | (() => Promise<ServerBuild>), mode: string, maxBodyBytes: number) {
  const handle = createRequestHandler(build, mode);
  return async (req: express.Request, res: express.Response, next: express.NextFunction) => {
    // Loaders and actions stop when the browser goes away before the answer is written.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const { body, refused } = limitedBody(req, res, maxBodyBytes, () => abort.abort());
    if (refused) return;
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(key, one);
    }
    try {
      const request = new Request(`${req.protocol}://${requestHost(req)}${req.originalUrl}`, {
        method: req.method,
        headers,
        signal: abort.signal,
        ...(body ? { body: createReadableStreamFromReadable(body as Readable), duplex: 'half' } : {}),
      } as RequestInit);
      const response = await handle(request, {});
      // An oversized body was already answered with 413; whatever the route made of it is dropped.
      if (res.headersSent) return;
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [key, value] of response.headers.entries()) res.append(key, value);
      if (response.headers.get('content-type')?.match(/text\/event-stream/i)) res.flushHeaders();
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      if (!res.headersSent) next(error);
    }
  };
}

/** `true`/`false` and hop counts as Express means them; anything else is its address list ("loopback, 10.0.0.0/8"). */
export function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The middleware every request passes before Remix (tests mount the same stack over real HTTP). */
export function webApp(): express.Express {
  const config = env();
  const app = express();
  app.disable('x-powered-by');
  if (config.WAIHU_TRUST_PROXY) app.set('trust proxy', trustProxyValue(config.WAIHU_TRUST_PROXY));
  app.use(compression());
  app.use((req, _res, next) => {
    // Only the server says where a request came from; a client-sent header is replaced.
    req.headers[REMOTE_ADDRESS_HEADER] = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    next();
  });
  app.use(requestIds);
  app.use(sameOriginMutations);
  return app;
}

export async function startWebServer(): Promise<{ close: () => Promise<void>; port: number }> {
  const config = env();
  const app = webApp();

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let closeVite = async () => {};
  if (config.NODE_ENV === 'development') {
    const vite = await import('vite');
    const devServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(devServer.middlewares);
    build = () => devServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>;
    closeVite = () => devServer.close();
  } else {
    const serverBuild = path.resolve('build/server/index.js');
    if (!fs.existsSync(serverBuild)) throw new Error('No production build found: run `npm run build` first.');
    app.use('/assets', express.static('build/client/assets', { immutable: true, maxAge: '1y' }));
    app.use(express.static('build/client', { maxAge: '1h' }));
    build = (await import(serverBuild)) as ServerBuild;
  }
  app.all('*', remixHandler(build, config.NODE_ENV, config.WAIHU_MAX_BODY_BYTES));

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${config.PORT} is already in use: stop what listens there or set PORT to another port.`)
          : error,
      ),
    );
    server.listen(config.PORT, config.HOST, resolve);
  });
  logger.info({ role: 'web', port: config.PORT }, `web server listening on http://localhost:${config.PORT}`);
  return {
    port: config.PORT,
    close: async () => {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeVite();
    },
  };
}
