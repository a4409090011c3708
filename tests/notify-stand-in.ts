import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A 127.0.0.1 stand-in for what the webhook-notify plugin posts to (an SMS gateway, an operators'
 * webhook): records each JSON message and answers with a message id, as a real gateway does.
 */
export async function startNotifyStandIn<M>(path: string) {
  const received: M[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as M);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: `m${received.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
