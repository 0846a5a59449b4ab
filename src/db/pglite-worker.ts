/**
 * The PGlite worker thread: owns the embedded Postgres and runs every statement here, so a long statement (or a
 * chain of queued ones) never holds the server's event loop. Started by createPgliteWorkerDatabase; answers one
 * reply per request, in whatever order PGlite finishes them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { openPglite } from './pglite-database.js';
import { serializeError, type WorkerMessage, type WorkerRequest, type WorkerStart } from './pglite-worker-messages.js';

if (!parentPort) throw new Error('pglite-worker runs as a worker thread (createPgliteWorkerDatabase starts it)');
const port = parentPort;
const start = workerData as WorkerStart;

const send = (message: WorkerMessage) => port.postMessage(message);
const succeed = (id: number, value: unknown = null) => send({ kind: 'reply', id, ok: true, value });
const fail = (id: number, error: unknown) => send({ kind: 'reply', id, ok: false, error: serializeError(error) });

/** Thrown inside PGlite's transaction to make it roll back: the main thread's work threw. */
const rollbackRequested = Symbol('rollback requested');

interface OpenTransaction {
  transaction: Transaction;
  finish(requestId: number, commit: boolean): void;
}

const transactions = new Map<number, OpenTransaction>();
const subscriptions = new Map<string, () => Promise<void>>();

/**
 * PGlite's own transaction() holds its single connection until the callback ends, so plain statements sent
 * meanwhile wait in PGlite's queue exactly as they do in process; the callback ends when the main thread says.
 */
function begin(pglite: PGlite, id: number): void {
  let finishRequest: number | undefined;
  let decide: (commit: boolean) => void = () => {};
  const decided = new Promise<boolean>((resolve) => {
    decide = resolve;
  });
  pglite
    .transaction(async (transaction) => {
      transactions.set(id, {
        transaction,
        finish(requestId, commit) {
          finishRequest = requestId;
          decide(commit);
        },
      });
      succeed(id);
      if (!(await decided)) throw rollbackRequested;
    })
    .then(
      () => succeed(finishRequest!),
      (error: unknown) => {
        // Before the main thread decided, the failure is the begin's own (BEGIN itself failed).
        if (finishRequest === undefined) fail(id, error);
        else if (error === rollbackRequested) succeed(finishRequest);
        else fail(finishRequest, error);
      },
    )
    .finally(() => transactions.delete(id));
}

function target(pglite: PGlite, transactionId: number | undefined): Pick<PGlite, 'query' | 'exec'> {
  if (transactionId === undefined) return pglite;
  const open = transactions.get(transactionId);
  if (!open) throw new Error(`transaction ${transactionId} has already ended`);
  return open.transaction;
}

async function handle(pglite: PGlite, request: WorkerRequest): Promise<void> {
  switch (request.kind) {
    case 'query': {
      const result = await target(pglite, request.transaction).query(request.sql, request.parameters);
      succeed(request.id, { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length });
      return;
    }
    case 'exec':
      await target(pglite, request.transaction).exec(request.sql);
      succeed(request.id);
      return;
    case 'begin':
      begin(pglite, request.id);
      return;
    case 'finish': {
      const open = transactions.get(request.transaction);
      if (!open) throw new Error(`transaction ${request.transaction} has already ended`);
      open.finish(request.id, request.commit);
      return;
    }
    case 'listen':
      if (!subscriptions.has(request.channel)) {
        const channel = request.channel;
        subscriptions.set(channel, await pglite.listen(channel, (payload) => send({ kind: 'notification', channel, payload })));
      }
      succeed(request.id);
      return;
    case 'unlisten':
      await subscriptions.get(request.channel)?.();
      subscriptions.delete(request.channel);
      succeed(request.id);
      return;
    case 'close':
      await pglite.close();
      succeed(request.id);
      // Nothing else to wait for: the thread ends once the port is closed.
      port.close();
      return;
  }
}

try {
  const pglite = await openPglite(start.dataDirectory);
  if (start.sessionSql) await pglite.exec(start.sessionSql).catch(() => undefined);
  port.on('message', (request: WorkerRequest) => {
    handle(pglite, request).catch((error: unknown) => fail(request.id, error));
  });
  send({ kind: 'opened' });
} catch (error) {
  send({ kind: 'failed', error: serializeError(error) });
}
