import { takeCallOptions, type CallOptions } from '../rpc/call-options';

/** A remote object as code sees it: every property is an async method. */
export type RemoteObject = Record<string, (...args: unknown[]) => Promise<unknown>>;

export type Invoke = (method: string, args: unknown[], options: CallOptions | undefined) => Promise<unknown>;

/**
 * Names that language machinery looks up on any object: as remote methods they would turn
 * `await handle` and `JSON.stringify(handle)` into remote calls (and unhandled rejections).
 */
const NOT_METHODS = new Set(['then', 'toJSON']);

/**
 * Builds a proxy whose every string property is a remote method, except `then` and `toJSON`.
 * Method functions are made once per name and cached, so a call allocates only its arguments and
 * its promise.
 */
export function remoteObject(invoke: Invoke, reserved: Readonly<Record<string, unknown>> = {}): RemoteObject {
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(Object.create(null) as RemoteObject, {
    get(_target, property) {
      if (typeof property !== 'string' || NOT_METHODS.has(property)) return undefined;
      if (Object.prototype.hasOwnProperty.call(reserved, property)) return reserved[property];
      let method = methods.get(property);
      if (method === undefined) {
        method = (...args: unknown[]) => invoke(property, args, takeCallOptions(args));
        methods.set(property, method);
      }
      return method;
    },
    has(_target, property) {
      return typeof property === 'string' && !NOT_METHODS.has(property);
    },
    // State lives on the other side. Field initialisers of a ProxiedSingleton subclass run against
    // this proxy inside extensions; they must not fail, and there is nothing to keep locally.
    set: () => true,
    defineProperty: () => true,
  });
}
