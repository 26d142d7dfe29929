/**
 * Wire format shared by both transports. Messages are small tuples rather than objects: structured
 * clone and V8 serialization handle dense arrays faster than keyed objects, and tuples keep the
 * hot path free of property-name strings.
 */

/** Where to find a function inside a list of values: the lent handle id, then the path of keys. */
export type FunctionPath = [handle: number, ...path: (string | number)[]];

/** A call target: a named object (`''` is the extension itself) or a lent function handle. */
export type Target = string | number;

export const CALL = 0;
export const RESULT = 1;
export const FAILURE = 2;
export const CANCEL = 3;
export const RELEASE = 4;
export const CONTROL = 5;

export type CallMessage = [
  kind: typeof CALL,
  id: number,
  target: Target,
  method: string | null,
  args: unknown[],
  functions: FunctionPath[] | undefined,
  /** The id of the caller's call that this call is nested in, when the receiver started it. */
  parent: number | undefined,
];
export type ResultMessage = [kind: typeof RESULT, id: number, value: unknown, functions: FunctionPath[] | undefined];
export type FailureMessage = [kind: typeof FAILURE, id: number, error: WireError];
export type CancelMessage = [kind: typeof CANCEL, id: number];
export type ReleaseMessage = [kind: typeof RELEASE, handles: number[]];
/** Lifecycle messages between the manager and the extension bootstrap; the RPC core passes them on. */
export type ControlMessage = [kind: typeof CONTROL, type: string, data: unknown];

export type Message = CallMessage | ResultMessage | FailureMessage | CancelMessage | ReleaseMessage | ControlMessage;

/** An error as it crosses the boundary: plain data that both serializers carry. */
export interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
  code: unknown;
  cause: WireError | undefined;
  /** Other own enumerable properties with primitive values (errno, path, syscall, exitCode...). */
  props: Record<string, string | number | boolean | null> | undefined;
}
