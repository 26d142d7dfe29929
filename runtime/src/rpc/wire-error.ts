import type { WireError } from './protocol';

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Causes nest; bound the depth so a cyclic `cause` chain cannot recurse forever. */
const MAX_CAUSE_DEPTH = 8;

/** Turns anything thrown into plain data both serializers carry, keeping name, message, code, cause and stack. */
export function toWireError(thrown: unknown, depth = 0): WireError {
  if (!(thrown instanceof Error)) {
    return { name: 'Error', message: `Non-error value thrown: ${describeThrown(thrown)}`, stack: undefined, code: undefined, cause: undefined, props: undefined };
  }
  let props: WireError['props'];
  for (const key of Object.keys(thrown)) {
    if (key === 'code' || key === 'cause' || key === 'name' || key === 'message') continue;
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') (props ??= {})[key] = value;
  }
  const code = (thrown as { code?: unknown }).code;
  return {
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack,
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    cause: 'cause' in thrown && thrown.cause !== undefined && depth < MAX_CAUSE_DEPTH ? toWireError(thrown.cause, depth + 1) : undefined,
    props,
  };
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Rebuilds a thrown error on this side. Built-in error types come back as themselves (so
 * `instanceof TypeError` holds); the remote stack is appended under a marker naming where it ran,
 * and is also kept as `remoteStack`.
 */
export function fromWireError(wire: WireError, where: string): Error {
  const Ctor = BUILTIN_ERRORS[wire.name] ?? Error;
  const error = new Ctor(wire.message, wire.cause === undefined ? undefined : { cause: fromWireError(wire.cause, where) }) as Error & Record<string, unknown>;
  if (error.name !== wire.name) Object.defineProperty(error, 'name', { value: wire.name, configurable: true, writable: true, enumerable: false });
  if (wire.code !== undefined) error.code = wire.code;
  if (wire.props !== undefined) Object.assign(error, wire.props);
  if (wire.stack !== undefined) {
    Object.defineProperty(error, 'remoteStack', { value: wire.stack, configurable: true, writable: true, enumerable: false });
    error.stack = `${wire.name}: ${wire.message}\n${framesOf(error.stack)}\n    --- remote stack (${where}) ---\n${framesOf(wire.stack)}`;
  }
  return error;
}

/** The "    at ..." lines of a stack, without the header (whose message may span lines). */
function framesOf(stack: string | undefined): string {
  if (stack === undefined) return '';
  const start = stack.indexOf('\n    at ');
  return start < 0 ? '' : stack.slice(start + 1);
}
