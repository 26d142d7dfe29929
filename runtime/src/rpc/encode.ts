import type { TransferListItem } from 'node:worker_threads';
import type { FunctionPath } from './protocol';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any callable may be lent
export type AnyFunction = Function;

const marks = new WeakMap<object, readonly TransferListItem[]>();

/**
 * Marks `value` so that, when it is passed as an argument or returned from a call to a worker
 * extension, `transferables` (usually `[array.buffer]`) move instead of being copied. The sender's
 * buffers are detached afterwards. Process extensions copy regardless.
 */
export function transfer<T extends object>(value: T, transferables: readonly TransferListItem[]): T {
  marks.set(value, transferables);
  return value;
}

/** What `encode` found: values with functions replaced by `null`, where they were, and what to transfer. */
export interface Encoding {
  values: unknown[];
  functions: FunctionPath[] | undefined;
  transfer: TransferListItem[] | undefined;
}

interface WalkState {
  lend: (fn: AnyFunction) => number;
  functions: FunctionPath[] | undefined;
  transfer: TransferListItem[] | undefined;
  seen: Set<object> | undefined;
}

/**
 * Prepares values for sending: functions (at the top level or inside plain objects and arrays)
 * become handles the other side can call, and marked values contribute their transfer lists.
 * Returns `undefined` when every value is a primitive, so small calls allocate nothing here.
 * Containers are copied on write, never mutated: the caller's objects stay as they were.
 */
export function encode(values: unknown[], lend: (fn: AnyFunction) => number): Encoding | undefined {
  let i = 0;
  for (; i < values.length; i++) {
    const t = typeof values[i];
    if (t === 'function' || (t === 'object' && values[i] !== null)) break;
  }
  if (i === values.length) return undefined;
  const state: WalkState = { lend, functions: undefined, transfer: undefined, seen: undefined };
  const encoded = walk(values, [], state) as unknown[];
  return { values: encoded, functions: state.functions, transfer: state.transfer };
}

function walk(value: unknown, path: (string | number)[], state: WalkState): unknown {
  if (typeof value === 'function') {
    (state.functions ??= []).push([state.lend(value), ...path]);
    return null;
  }
  if (typeof value !== 'object' || value === null) return value;
  const mark = marks.get(value);
  if (mark !== undefined) (state.transfer ??= []).push(...mark);
  if (Array.isArray(value)) {
    if (enter(value, state)) return value;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' && typeof item !== 'function') continue;
      const next = walk(item, [...path, i], state);
      if (next !== item) (copy ??= value.slice())[i] = next;
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  if (enter(value, state)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item !== 'object' && typeof item !== 'function') continue;
    const next = walk(item, [...path, key], state);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

/** Records a visit; true when the object was seen already (a cycle or a shared reference). */
function enter(value: object, state: WalkState): boolean {
  state.seen ??= new Set();
  if (state.seen.has(value)) return true;
  state.seen.add(value);
  return false;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Puts a proxy for each lent function back where `encode` found it. Received values are fresh copies, so this mutates them. */
export function attachFunctions(values: unknown[], functions: FunctionPath[], proxy: (handle: number) => AnyFunction): void {
  for (const [handle, ...path] of functions) {
    let container = values as unknown as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) container = container[path[i] as string | number] as Record<string | number, unknown>;
    container[path[path.length - 1] as string | number] = proxy(handle);
  }
}

/**
 * Finds the deepest value that `probe` refuses, to explain a failed send: returns its path written
 * from `names` (e.g. `args[1].options.socket`) and the serializer's reason.
 */
export function findUnserializable(values: unknown[], names: (index: number) => string, probe: (value: unknown) => void): { path: string; reason: string } | undefined {
  for (let i = 0; i < values.length; i++) {
    const reason = refusal(values[i], probe);
    if (reason !== undefined) return narrow(values[i], names(i), reason, probe, new Set());
  }
  return undefined;
}

function narrow(value: unknown, path: string, reason: string, probe: (value: unknown) => void, seen: Set<object>): { path: string; reason: string } {
  if (typeof value !== 'object' || value === null || seen.has(value)) return { path, reason };
  seen.add(value);
  const children: [string, unknown][] =
    value instanceof Map ? [...value.entries()].map(([k, v]) => [`${path}.get(${describeKey(k)})`, v])
    : Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v])
    : Object.keys(value).map((k) => [/^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, (value as Record<string, unknown>)[k]]);
  for (const [childPath, child] of children) {
    const childReason = refusal(child, probe);
    if (childReason !== undefined) return narrow(child, childPath, childReason, probe, seen);
  }
  return { path, reason };
}

function refusal(value: unknown, probe: (value: unknown) => void): string | undefined {
  try {
    probe(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : String(key);
}
