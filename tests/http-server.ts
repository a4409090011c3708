import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerBuild } from '@remix-run/node';
import { remixHandler, webApp } from '../server/web';

type RouteModule = Record<string, unknown>;

/**
 * The real web server stack (server/web.ts: middleware, body limit, Remix handler) over real HTTP,
 * serving the given resource routes instead of the whole vite build: `{ 'logout': logoutModule }`.
 */
export async function startTestServer(routes: Record<string, RouteModule>) {
  const build = {
    mode: 'production',
    entry: { module: { default: () => new Response('document', { status: 200 }) } },
    routes: {
      root: { id: 'root', path: '', module: {} },
      ...Object.fromEntries(
        Object.entries(routes).map(([path, module]) => [
          `routes/${path}`,
          { id: `routes/${path}`, parentId: 'root', path, module },
        ]),
      ),
    },
    assets: { routes: {}, entry: { module: '', imports: [] }, url: '', version: 'test' },
    publicPath: '/',
    assetsBuildDirectory: '',
    future: { v3_singleFetch: true },
    isSpaMode: false,
  } as unknown as ServerBuild;
  const app = webApp();
  app.all('*', remixHandler(build, 'production', Number(process.env.WAIHU_MAX_BODY_BYTES ?? 2 * 1024 * 1024)));
  const server = http.createServer(app);
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A chunked POST (no Content-Length) of `total` bytes in 64 KiB pieces, with node:http; status and body text. */
export function postChunked(
  url: string,
  total: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    const piece = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const write = () => {
      while (sent < total) {
        const chunk = piece.subarray(0, Math.min(piece.length, total - sent));
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

/** Headers announcing a body of `length` bytes, and only a first byte of it: the answer a server gives up front. */
export function postDeclared(url: string, length: number, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write('x');
  });
}
