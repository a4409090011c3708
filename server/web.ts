import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { env } from '../app/env.server';
import { REMOTE_ADDRESS_HEADER } from '../app/modules/auth/session.server';
import { logger } from '../app/utils/logger.server';
import { requestIdFrom, withRequestId } from '../app/utils/request-context.server';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery guard for browser mutations: a form post must come from our own
 * origin. API clients (no cookies, API keys) live under /api and are exempt.
 */
export function sameOriginMutations(req: express.Request, res: express.Response, next: express.NextFunction) {
  if (SAFE_METHODS.has(req.method) || req.path.startsWith('/api/')) return next();
  const origin = req.get('origin');
  const site = req.get('sec-fetch-site');
  const host = req.get('host');
  const sameOrigin = origin ? new URL(origin).host === host : site ? site === 'same-origin' || site === 'none' : true;
  if (sameOrigin) return next();
  logger.warn({ path: req.path, origin, site }, 'cross-site mutation refused');
  res.status(403).type('text/plain').send('Cross-site request refused');
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

export async function startWebServer(): Promise<{ close: () => Promise<void>; port: number }> {
  const config = env();
  const app = express();
  app.disable('x-powered-by');
  if (config.WAIHU_TRUST_PROXY) app.set('trust proxy', config.WAIHU_TRUST_PROXY);
  app.use(compression());
  app.use((req, _res, next) => {
    // Only the server says where a request came from; a client-sent header is replaced.
    req.headers[REMOTE_ADDRESS_HEADER] = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    next();
  });
  app.use(requestIds);
  app.use(sameOriginMutations);

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
  app.all('*', createRequestHandler({ build, mode: config.NODE_ENV }));

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
