import type { CallOptions } from '../rpc/call-options';
import { remoteObject, type RemoteObject } from './remote-object';

/** `T`'s methods as remote calls: same parameters plus optional trailing CallOptions, promised results. */
export type RemoteMethods<T> = {
  readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R ? (...args: [...A] | [...A, CallOptions]) => Promise<Awaited<R>> : never;
};

/** `T`'s methods as synchronous calls (worker extensions). */
export type SyncMethods<T> = {
  readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Awaited<R> : never;
};

/**
 * What `manager.load()` returns: every property is a remote method (`await ext.add(2, 3)`), except
 * `sync`, whose properties call synchronously (worker isolation only: `ext.sync.add(2, 3)`).
 * Give the extension class as `T` (`manager.load<Calculator>(...)`) to type the methods.
 */
export type ExtensionHandle<T = RemoteObject> = RemoteMethods<T> & { readonly sync: SyncMethods<T> };

export interface HandleTarget {
  call(method: string, args: unknown[], options: CallOptions | undefined): Promise<unknown>;
  callSync(method: string, args: unknown[]): unknown;
}

export function createHandle<T>(target: HandleTarget): ExtensionHandle<T> {
  const syncMethods = new Map<string, (...args: unknown[]) => unknown>();
  const sync = new Proxy(Object.create(null) as Record<string, (...args: unknown[]) => unknown>, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      let method = syncMethods.get(property);
      if (method === undefined) {
        method = (...args: unknown[]) => target.callSync(property, args);
        syncMethods.set(property, method);
      }
      return method;
    },
  });
  return remoteObject((method, args, options) => target.call(method, args, options), { sync }) as unknown as ExtensionHandle<T>;
}
