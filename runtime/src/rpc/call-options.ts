/** Per-call options, passed as the last argument of a remote call: `ext.run(x, callOptions({ timeoutMs: 500 }))`. */
export interface CallOptionsInit {
  /** Rejects the call (and signals the callee) when aborted. */
  signal?: AbortSignal;
  /** Overrides the default timeout for this call; 0 disables it. */
  timeoutMs?: number;
}

/**
 * Every property of an extension handle is a remote method, so options cannot hang off the handle;
 * they travel as a recognisable trailing argument instead and are stripped before sending.
 */
export class CallOptions {
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;

  constructor(init: CallOptionsInit) {
    this.signal = init.signal;
    this.timeoutMs = init.timeoutMs;
  }
}

export function callOptions(init: CallOptionsInit): CallOptions {
  return new CallOptions(init);
}

/** Splits a trailing {@link CallOptions} off an argument list (in place: the list is the caller's rest array). */
export function takeCallOptions(args: unknown[]): CallOptions | undefined {
  const last = args[args.length - 1];
  if (last instanceof CallOptions) {
    args.pop();
    return last;
  }
  return undefined;
}
