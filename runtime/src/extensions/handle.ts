import type { CallOptions } from '../rpc/call-options';
import { remoteObject, type RemoteObject } from './remote-object';

/**
 * What `manager.load()` returns: every property is a remote method (`await ext.add(2, 3)`), except
 * `sync`, whose properties call synchronously (worker isolation only: `ext.sync.add(2, 3)`).
 */
export type ExtensionHandle = RemoteObject & { readonly sync: Record<string, (...args: unknown[]) => unknown> };

export interface HandleTarget {
  call(method: string, args: unknown[], options: CallOptions | undefined): Promise<unknown>;
  callSync(method: string, args: unknown[]): unknown;
}

export function createHandle(target: HandleTarget): ExtensionHandle {
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
  return remoteObject((method, args, options) => target.call(method, args, options), { sync }) as ExtensionHandle;
}
