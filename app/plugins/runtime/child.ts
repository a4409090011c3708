import type { CallRequest, FromChild, KvOp, ToChild } from './protocol';
import { runInSandbox } from './sandbox';

// The sandbox process: the host forks it (runtime.server.ts) and sends hook calls over IPC.
// KV operations are forwarded back to the host, which owns the database.

const send = (message: FromChild) => process.send?.(message);
let nextKv = 0;
const pendingKv = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function ask(message: (reqId: number) => FromChild) {
  return new Promise<unknown>((resolve, reject) => {
    const reqId = ++nextKv;
    pendingKv.set(reqId, { resolve, reject });
    send(message(reqId));
  });
}

function kvFor(callId: number) {
  return (op: KvOp, key: string, value: unknown) => ask((reqId) => ({ type: 'kv', callId, reqId, op, key, value }));
}

function eslFor(callId: number) {
  return async (command: string) => String(await ask((reqId) => ({ type: 'esl', callId, reqId, command })));
}

process.on('message', (message: ToChild) => {
  if (message.type === 'kv-reply') {
    const pending = pendingKv.get(message.reqId);
    pendingKv.delete(message.reqId);
    if (message.ok) pending?.resolve(message.value);
    else pending?.reject(new Error(message.error ?? 'kv failed'));
    return;
  }
  const request: CallRequest = message;
  void runInSandbox(request, kvFor(request.id), request.esl ? eslFor(request.id) : undefined).then(send, (error: Error) =>
    send({ type: 'result', id: request.id, ok: false, error: error.message, logs: [] }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
