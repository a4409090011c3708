import { PassThrough } from 'node:stream';
import { createCache, extractStyle, StyleProvider } from '@ant-design/cssinjs';
import type { EntryContext } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { renderToPipeableStream } from 'react-dom/server';

const ABORT_DELAY = 10_000;

/**
 * Renders the whole document, then inlines the Ant Design styles it used into <head>, so the
 * first paint is already styled (no flash of unstyled content).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const cache = createCache();
  return new Promise<Response>((resolve, reject) => {
    let status = responseStatusCode;
    const { pipe, abort } = renderToPipeableStream(
      <StyleProvider cache={cache} hashPriority="high">
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </StyleProvider>,
      {
        onAllReady() {
          const chunks: Buffer[] = [];
          const sink = new PassThrough();
          sink.on('data', (chunk: Buffer) => chunks.push(chunk));
          sink.on('end', () => {
            const html = Buffer.concat(chunks).toString('utf8');
            const styled = html.replace('</head>', `${extractStyle(cache)}</head>`);
            responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
            resolve(new Response(styled, { headers: responseHeaders, status }));
          });
          pipe(sink);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          status = 500;
          console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY + 1000);
  });
}
