import { takeCallOptions, type CallOptions } from '../rpc/call-options';

/** A remote object as code sees it: every property is an async method. */
export type RemoteObject = Record<string, (...args: unknown[]) => Promise<unknown>>;

export type Invoke = (method: string, args: unknown[], options: CallOptions | undefined) => Promise<unknown>;

/**
 * Builds a proxy whose every string property is a remote method. Method functions are made once per
 * name and cached, so a call allocates only its arguments and its promise. `then` is never a
 * method, so the proxy is not mistaken for a promise by `await`.
 */
export function remoteObject(invoke: Invoke, reserved: Readonly<Record<string, unknown>> = {}): RemoteObject {
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(Object.create(null) as RemoteObject, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      if (Object.prototype.hasOwnProperty.call(reserved, property)) return reserved[property];
      let method = methods.get(property);
      if (method === undefined) {
        method = (...args: unknown[]) => invoke(property, args, takeCallOptions(args));
        methods.set(property, method);
      }
      return method;
    },
    has(_target, property) {
      return typeof property === 'string' && property !== 'then';
    },
    // State lives on the other side. Field initialisers of a ProxiedSingleton subclass run against
    // this proxy inside extensions; they must not fail, and there is nothing to keep locally.
    set: () => true,
    defineProperty: () => true,
  });
}
