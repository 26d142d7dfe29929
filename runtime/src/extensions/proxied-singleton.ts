import { MultiverseError } from '../errors';
import { rpcBoundary } from '../rpc/methods';
import { extensionSide } from './extension-side';
import { remoteObject } from './remote-object';

export interface SingletonClass<T extends ProxiedSingleton = ProxiedSingleton> {
  new (): T;
  /** Overrides the class name as the key the host and extensions agree on. */
  readonly singletonName?: string;
  instance(): T;
}

const hostInstances = new Map<string, ProxiedSingleton>();

/** The name host and extensions use for a singleton class. */
export function singletonKey(cls: SingletonClass): string {
  return cls.singletonName ?? cls.name;
}

/**
 * A class with one instance, living in the host. Inside an extension, `instance()` (and `new`)
 * return a proxy to the host's instance instead: every method call goes to the host and returns a
 * promise, so state written by one extension is read by another. Only methods cross; read state
 * through methods.
 *
 * Host and extensions must agree on the key, which is the class name unless the class sets a static
 * `singletonName`.
 */
// Subclasses bring the members; this class only decides where the single instance lives.
// eslint-disable-next-line @typescript-eslint/no-extraneous-class
export class ProxiedSingleton {
  constructor() {
    const key = singletonKey(new.target as SingletonClass);
    const side = extensionSide();
    if (side !== undefined) {
      // Returning an object from a constructor replaces `this`, for subclasses too.
      return remoteObject((method, args, options) => side.peer.call(`singleton:${key}`, method, args, options)) as unknown as ProxiedSingleton;
    }
    if (hostInstances.has(key)) throw new MultiverseError('ESINGLETON', `${key} already has its instance in this process; use ${key}.instance().`);
    hostInstances.set(key, this);
  }

  /** The single instance (in the host) or a proxy to it (in an extension). */
  static instance<T extends ProxiedSingleton>(this: SingletonClass<T>): T {
    if (extensionSide() !== undefined) return new this();
    return (hostInstances.get(singletonKey(this)) as T | undefined) ?? new this();
  }
}

Object.defineProperty(ProxiedSingleton.prototype, rpcBoundary, { value: true });

/** The host's instance for `key`, if one was created. */
export function hostSingleton(key: string): ProxiedSingleton | undefined {
  return hostInstances.get(key);
}
