import { AsyncResource } from 'node:async_hooks';
import { InputError, MultiverseError } from '../errors';
import { type CallOptions } from './call-options';
import { cancel, inbound, type InboundCall } from './context';
import { attachFunctions, encode, findUnserializable, type AnyFunction } from './encode';
import { hasMethod, methodsOf } from './methods';
import { CALL, CANCEL, CONTROL, FAILURE, RELEASE, RESULT, type CallMessage, type Message, type Target, type WireError } from './protocol';
import type { Transport } from './transport';
import { fromWireError, toWireError } from './wire-error';

/**
 * A call waiting for its answer. It is itself the AsyncResource that captures the caller's async
 * context (restored when the callee calls back while this call runs): one allocation per call
 * instead of two. A bare AsyncResource captures every AsyncLocalStorage store at ~0.1 µs, where
 * AsyncLocalStorage.snapshot() costs ~20 µs on Node 20, as much as the whole round trip.
 */
class Pending extends AsyncResource {
  timer: NodeJS.Timeout | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;

  constructor(
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
    readonly signal: AbortSignal | undefined,
  ) {
    super('MultiverseRpcCall');
  }
}

export interface PeerOptions {
  /** How messages name the other side: `extension "csv-tools"` or `the host`. */
  remoteName: string;
  /** Timeout for calls that do not set one; undefined or 0 means none. */
  defaultTimeoutMs?: number | undefined;
  /** Looks up a named call target on this side (`''` is the extension object). */
  resolveTarget(name: string): object | undefined;
  onControl?(type: string, data: unknown): void;
}

export interface PeerStats {
  /** Calls this side made that have not settled. */
  pending: number;
  /** Functions this side lent to the other side and that the other side still holds. */
  lent: number;
  /** Calls from the other side running on this side. */
  running: number;
}

/**
 * One end of an RPC connection: the same core runs in the host and in every extension, over either
 * transport. Calls are numbered per direction and any number may be in flight both ways; nothing
 * here blocks, which is what lets host → extension → host chains nest without deadlock.
 */
export class RpcPeer {
  private nextId = 1;
  private nextHandle = 1;
  private readonly pending = new Map<number, Pending>();
  /** Functions lent to the other side, by handle. Entries leave when the other side's proxy is collected. */
  private readonly lent = new Map<number, AnyFunction>();
  private readonly running = new Map<number, InboundCall>();
  private readonly proxies = new FinalizationRegistry<number>((handle) => this.queueRelease(handle));
  private releaseQueue: number[] = [];
  private closedBy: Error | undefined;
  private readonly lend = (fn: AnyFunction): number => {
    const handle = this.nextHandle++;
    this.lent.set(handle, fn);
    return handle;
  };
  private readonly makeProxy = (handle: number): AnyFunction => {
    const proxy = (...args: unknown[]): Promise<unknown> => this.call(handle, null, args);
    this.proxies.register(proxy, handle);
    return proxy;
  };

  constructor(
    private readonly transport: Transport,
    private readonly options: PeerOptions,
  ) {
    transport.listen((message) => this.receive(message));
  }

  get stats(): PeerStats {
    return { pending: this.pending.size, lent: this.lent.size, running: this.running.size };
  }

  /** Calls `method` of the remote object `target` (or the lent function `target` when method is null). */
  call(target: Target, method: string | null, args: unknown[], options?: CallOptions): Promise<unknown> {
    if (this.closedBy !== undefined) return Promise.reject(this.closedBy);
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(this.abortError(target, method, signal));
    const context = inbound.getStore();
    let parent: number | undefined;
    if (context !== undefined && context.peer === this) {
      if (context.sync) return Promise.reject(new MultiverseError('ESYNCREENTRY', `${this.label(target, method)} was called during a synchronous call from ${this.options.remoteName}, which is blocked until that call returns; call it asynchronously instead.`));
      parent = context.id;
    }
    const id = this.nextId++;
    const encoding = encode(args, this.lend);
    try {
      if (encoding === undefined) this.transport.send([CALL, id, target, method, args, undefined, parent], undefined);
      else this.transport.send([CALL, id, target, method, encoding.values, encoding.functions, parent], encoding.transfer);
    } catch (error) {
      if (encoding?.functions !== undefined) for (const [handle] of encoding.functions) this.lent.delete(handle);
      return Promise.reject(this.sendError(error, encoding?.values ?? args, (i) => `args[${i}]`, `call ${this.label(target, method)}`));
    }
    return new Promise((resolve, reject) => {
      const pending = new Pending(resolve, reject, signal);
      const timeoutMs = options?.timeoutMs ?? this.options.defaultTimeoutMs;
      if (timeoutMs !== undefined && timeoutMs > 0) {
        pending.timer = setTimeout(() => this.giveUp(id, new MultiverseError('ETIMEDOUT', `${this.label(target, method)} on ${this.options.remoteName} did not settle within ${timeoutMs} ms.`)), timeoutMs);
        pending.timer.unref();
      }
      if (signal !== undefined) {
        pending.onAbort = () => this.giveUp(id, this.abortError(target, method, signal));
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.pending.set(id, pending);
    });
  }

  /** Sends a lifecycle message (not a call); dropped once the peer is closed. */
  control(type: string, data: unknown): void {
    if (this.closedBy === undefined) this.transport.send([CONTROL, type, data], undefined);
  }

  /**
   * Rejects every pending call with `error`, forgets lent functions (the other side is gone, so
   * nobody can call them) and refuses further calls with the same error.
   */
  close(error: Error): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = error;
    for (const [id, pending] of this.pending) this.settle(id, pending).reject(error);
    this.lent.clear();
    for (const call of this.running.values()) cancel(call);
    this.releaseQueue = [];
  }

  /**
   * Resolves and runs a local call: shared by asynchronous calls and the synchronous channel.
   * Throws (or rejects) with a clear error for unknown targets and methods.
   */
  apply(target: Target, method: string | null, args: unknown[]): unknown {
    if (typeof target === 'number') {
      const fn = this.lent.get(target);
      if (fn === undefined) throw new MultiverseError('ERELEASED', `Callback ${target} was already released by ${this.options.remoteName}.`);
      return fn(...args);
    }
    const object = this.options.resolveTarget(target);
    if (object === undefined) throw new MultiverseError('ENOTARGET', `Nothing named ${JSON.stringify(target)} is exposed to ${this.options.remoteName}.`);
    if (method === null || !hasMethod(object, method)) {
      const available = [...methodsOf(object)].sort();
      throw new MultiverseError(
        'ENOMETHOD',
        `${this.label(target, method)} is not a method${target === '' ? '' : ` of ${JSON.stringify(target)}`}. Available methods: ${available.length === 0 ? '(none)' : available.join(', ')}.`,
      );
    }
    return Reflect.apply((object as Record<string, AnyFunction>)[method] as AnyFunction, object, args);
  }

  /** Decodes values received with lent-function paths, turning handles into callable proxies. */
  private decode(values: unknown[], functions: CallMessage[5]): unknown[] {
    if (functions !== undefined) attachFunctions(values, functions, this.makeProxy);
    return values;
  }

  private receive(message: Message): void {
    if (this.closedBy !== undefined) return;
    switch (message[0]) {
      case CALL:
        this.onCall(message);
        return;
      case RESULT: {
        const pending = this.pending.get(message[1]);
        // A late answer to a call that timed out or was cancelled: the caller has moved on.
        if (pending === undefined) return;
        const value = message[3] === undefined ? message[2] : this.decode([message[2]], message[3])[0];
        this.settle(message[1], pending).resolve(value);
        return;
      }
      case FAILURE: {
        const pending = this.pending.get(message[1]);
        if (pending === undefined) return;
        this.settle(message[1], pending).reject(fromWireError(message[2], this.options.remoteName));
        return;
      }
      case CANCEL: {
        const call = this.running.get(message[1]);
        if (call !== undefined) cancel(call);
        return;
      }
      case RELEASE:
        for (const handle of message[1]) this.lent.delete(handle);
        return;
      case CONTROL:
        this.options.onControl?.(message[1], message[2]);
        return;
    }
  }

  private onCall(message: CallMessage): void {
    const [, id, target, method, args, functions, parent] = message;
    if (functions !== undefined) attachFunctions(args, functions, this.makeProxy);
    const call: InboundCall = { peer: this, id, sync: false, cancelled: false, controller: undefined };
    this.running.set(id, call);
    const context = parent === undefined ? undefined : this.pending.get(parent);
    if (context === undefined) inbound.run(call, this.run, call, target, method, args);
    else context.runInAsyncScope(inbound.run, inbound, call, this.run, call, target, method, args);
  }

  /**
   * Runs an incoming call and answers it. Synchronous results are answered at once: going through
   * an async function would cost promise allocations and microtask turns on every call.
   */
  private readonly run = (call: InboundCall, target: Target, method: string | null, args: unknown[]): void => {
    let value: unknown;
    try {
      value = this.apply(target, method, args);
    } catch (error) {
      this.finish(call, false, error);
      return;
    }
    if (typeof (value as PromiseLike<unknown> | null)?.then === 'function') {
      (value as PromiseLike<unknown>).then(
        (result) => this.finish(call, true, result),
        (error: unknown) => this.finish(call, false, error),
      );
    } else {
      this.finish(call, true, value);
    }
  };

  private finish(call: InboundCall, ok: boolean, outcome: unknown): void {
    this.running.delete(call.id);
    if (ok) this.reply(call.id, outcome);
    else this.sendFailure(call.id, toWireError(outcome));
  }

  private reply(id: number, value: unknown): void {
    if (this.closedBy !== undefined) return;
    const encoding = typeof value === 'object' || typeof value === 'function' ? encode([value], this.lend) : undefined;
    try {
      if (encoding === undefined) this.transport.send([RESULT, id, value, undefined], undefined);
      else this.transport.send([RESULT, id, encoding.values[0], encoding.functions], encoding.transfer);
    } catch (error) {
      if (encoding?.functions !== undefined) for (const [handle] of encoding.functions) this.lent.delete(handle);
      this.sendFailure(id, toWireError(this.sendError(error, encoding?.values ?? [value], () => 'the return value', 'a result')));
    }
  }

  private sendFailure(id: number, error: WireError): void {
    if (this.closedBy !== undefined) return;
    try {
      this.transport.send([FAILURE, id, error], undefined);
    } catch {
      // The channel closed while the call ran; the exit handler reports that to the caller.
    }
  }

  /** Explains a failed send: names the value that cannot be serialized, or passes a closed-channel error on. */
  private sendError(error: unknown, values: unknown[], names: (index: number) => string, what: string): Error {
    if (error instanceof MultiverseError) return error;
    const culprit = findUnserializable(values, names, (value) => this.transport.probe(value));
    if (culprit === undefined) return error instanceof Error ? error : new Error(String(error));
    return new InputError(
      'EUNSERIALIZABLE',
      `Cannot send ${culprit.path} of ${what} to ${this.options.remoteName}: ${culprit.reason} Pass plain data, typed arrays, Buffers, Maps, Sets, Errors or functions (functions become callable proxies).`,
      { cause: error },
    );
  }

  /** Rejects a call locally (timeout or abort) and tells the callee, whose answer will be ignored. */
  private giveUp(id: number, error: Error): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.settle(id, pending).reject(error);
    if (this.closedBy === undefined) {
      try {
        this.transport.send([CANCEL, id], undefined);
      } catch {
        // Closed meanwhile: nothing left to cancel.
      }
    }
  }

  private settle(id: number, pending: Pending): Pending {
    this.pending.delete(id);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (pending.onAbort !== undefined) pending.signal?.removeEventListener('abort', pending.onAbort);
    return pending;
  }

  private queueRelease(handle: number): void {
    if (this.closedBy !== undefined) return;
    // Batch releases: a collection often finalizes many proxies at once.
    if (this.releaseQueue.push(handle) === 1) setImmediate(this.flushReleases).unref();
  }

  private readonly flushReleases = (): void => {
    const handles = this.releaseQueue;
    this.releaseQueue = [];
    if (this.closedBy !== undefined || handles.length === 0) return;
    try {
      this.transport.send([RELEASE, handles], undefined);
    } catch {
      // Closed meanwhile: the other side dropped everything it lent.
    }
  };

  private abortError(target: Target, method: string | null, signal: AbortSignal): Error {
    const error = new MultiverseError('ABORT_ERR', `${this.label(target, method)} on ${this.options.remoteName} was aborted.`, { cause: signal.reason });
    error.name = 'AbortError';
    return error;
  }

  private label(target: Target, method: string | null): string {
    if (typeof target === 'number') return `callback #${target}`;
    const name = target === '' ? '' : `${target.replace(/^[a-z]+:/, '')}.`;
    return `${name}${String(method)}()`;
  }
}
