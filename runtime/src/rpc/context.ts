import { AsyncLocalStorage } from 'node:async_hooks';

/** The incoming call a piece of code is running for, tracked across awaits. */
export interface InboundCall {
  /** Which peer delivered the call (a host talks to many extensions). */
  readonly peer: object;
  readonly id: number;
  /** A synchronous call blocks the caller's thread, so calling back into it would deadlock. */
  readonly sync: boolean;
  cancelled: boolean;
  controller: AbortController | undefined;
}

export const inbound = new AsyncLocalStorage<InboundCall>();

const notInCall = new AbortController().signal;

/**
 * The AbortSignal of the remote call the current code runs for: it aborts when the caller cancels
 * the call or its timeout expires. Outside a remote call it returns a signal that never aborts.
 */
export function currentSignal(): AbortSignal {
  const call = inbound.getStore();
  if (call === undefined) return notInCall;
  if (call.controller === undefined) {
    call.controller = new AbortController();
    if (call.cancelled) call.controller.abort(cancelReason());
  }
  return call.controller.signal;
}

export function cancel(call: InboundCall): void {
  call.cancelled = true;
  call.controller?.abort(cancelReason());
}

function cancelReason(): Error {
  const error = new Error('The caller cancelled this call (abort signal or timeout).');
  error.name = 'AbortError';
  return error;
}
