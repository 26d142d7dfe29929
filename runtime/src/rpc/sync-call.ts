import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { InputError, MultiverseError } from '../errors';
import { inbound, type InboundCall } from './context';
import { findUnserializable } from './encode';
import type { WireError } from './protocol';
import type { RpcPeer } from './peer';
import { fromWireError, toWireError } from './wire-error';

/** Request and answer on the synchronous channel: `[id, method, args]` and `[id, ok, value | error]`. */
type SyncRequest = [id: number, method: string, args: unknown[]];
type SyncAnswer = [id: number, ok: boolean, value: unknown];

/** Slot 0 of the shared state holds the id of the latest answered call. */
const ANSWERED = 0;
/** Slot 1 holds 1 + the worker's exit code once it exits, 0 while it runs. */
const EXITED = 1;
/** Size of the shared state: two Int32 slots. */
export const SYNC_STATE_BYTES = 8;

/**
 * The host's side of synchronous calls to a worker extension. The host thread posts the call on a
 * dedicated port and sleeps in `Atomics.wait` until the worker stores the call's id; the answer is
 * then taken off the port with `receiveMessageOnPort`, without the event loop. A worker that exits
 * wakes the host through the EXITED slot; one that is terminated or runs out of memory cannot, so
 * the wait always has a deadline as well.
 */
export class SyncCaller {
  private nextId = 1;
  private readonly state: Int32Array;

  constructor(
    private readonly port: MessagePort,
    buffer: SharedArrayBuffer,
    private readonly remoteName: string,
    private readonly exitedError: (exitCode: number, method: string) => Error,
  ) {
    this.state = new Int32Array(buffer);
  }

  call(method: string, args: unknown[], timeoutMs: number): unknown {
    const id = this.nextId++;
    try {
      this.port.postMessage([id, method, args] satisfies SyncRequest);
    } catch (error) {
      const culprit = findUnserializable(args, (i) => `args[${i}]`, (value) => structuredClone(value));
      if (culprit === undefined) throw error;
      throw new InputError('EUNSERIALIZABLE', `Cannot send ${culprit.path} of synchronous call ${method}() to ${this.remoteName}: ${culprit.reason} Synchronous calls take data only, no functions.`, { cause: error });
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answered = Atomics.load(this.state, ANSWERED);
      if (answered >= id) break;
      const exited = Atomics.load(this.state, EXITED);
      if (exited > 0) throw this.exitedError(exited - 1, method);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new MultiverseError('ETIMEDOUT', `Synchronous call ${method}() on ${this.remoteName} did not return within ${timeoutMs} ms.`);
      Atomics.wait(this.state, ANSWERED, answered, remaining);
    }
    // Answers to calls that timed out earlier may still be queued ahead of this one: skip them.
    for (let received = receiveMessageOnPort(this.port); received !== undefined; received = receiveMessageOnPort(this.port)) {
      const [answerId, ok, value] = received.message as SyncAnswer;
      if (answerId !== id) continue;
      if (ok) return value;
      throw fromWireError(value as WireError, this.remoteName);
    }
    throw new MultiverseError('ESYNCLOST', `Synchronous call ${method}() on ${this.remoteName} was answered but the answer was not on the port.`);
  }
}

/** The worker's side, when it exits: wakes a host blocked in a synchronous call. */
export function markExited(buffer: SharedArrayBuffer, exitCode: number): void {
  const state = new Int32Array(buffer);
  Atomics.store(state, EXITED, exitCode + 1);
  Atomics.notify(state, ANSWERED);
}

/** The worker's side: runs each synchronous call like an asynchronous one, then wakes the host. */
export function serveSyncCalls(port: MessagePort, buffer: SharedArrayBuffer, peer: RpcPeer): void {
  const state = new Int32Array(buffer);
  port.on('message', (request: SyncRequest) => {
    const [id, method, args] = request;
    const call: InboundCall = { peer, id, sync: true, cancelled: false, controller: undefined };
    void inbound.run(call, async () => {
      let answer: SyncAnswer;
      try {
        answer = [id, true, await peer.apply('', method, args)];
      } catch (error) {
        answer = [id, false, toWireError(error)];
      }
      try {
        port.postMessage(answer);
      } catch (error) {
        port.postMessage([id, false, toWireError(new InputError('EUNSERIALIZABLE', `The return value of ${method}() cannot be sent: ${error instanceof Error ? error.message : String(error)}`))] satisfies SyncAnswer);
      }
      Atomics.store(state, ANSWERED, id);
      Atomics.notify(state, ANSWERED);
    });
  });
}
