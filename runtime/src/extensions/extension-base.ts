import { MultiverseError } from '../errors';
import { rpcBoundary } from '../rpc/methods';
import { extensionSide } from './extension-side';
import { remoteObject, type RemoteObject } from './remote-object';

/**
 * Base class of every extension: the default export of an extension module must be a class that
 * extends it. Its public methods become the extension's remote methods; these lifecycle hooks and
 * helpers do not.
 *
 * Order when the extension starts: the module is evaluated, the class is constructed,
 * `beforeModuleLoaded()` runs, then `onModuleLoaded(module)` with every export of the module, and
 * only then the host's `load()` resolves. `stop()` runs when the manager stops or restarts it.
 */
export abstract class ExtensionBase {
  private apiProxies: Readonly<Record<string, RemoteObject>> | undefined;

  /** The name the host loaded this extension under. */
  get extensionName(): string {
    return requireSide('extensionName').name;
  }

  /** The host APIs passed as `apis` to `manager.load()`; every method call is asynchronous. */
  get apis(): Readonly<Record<string, RemoteObject>> {
    if (this.apiProxies === undefined) {
      const side = requireSide('apis');
      const proxies: Record<string, RemoteObject> = {};
      for (const name of side.apiNames) proxies[name] = remoteObject((method, args, options) => side.peer.call(`api:${name}`, method, args, options));
      this.apiProxies = Object.freeze(proxies);
    }
    return this.apiProxies;
  }

  /** Runs before `onModuleLoaded`, with the host already reachable through `apis`. */
  beforeModuleLoaded(): void | Promise<void> {}

  /** Receives the extension module's exports once it has loaded. */
  onModuleLoaded(_module: unknown): void | Promise<void> {}

  /** Releases resources; the extension exits afterwards. */
  stop(): void | Promise<void> {}
}

Object.defineProperty(ExtensionBase.prototype, rpcBoundary, { value: true });

function requireSide(what: string): NonNullable<ReturnType<typeof extensionSide>> {
  const side = extensionSide();
  if (side === undefined) throw new MultiverseError('ENOTINEXTENSION', `ExtensionBase#${what} is only available inside an extension started by ExtensionManager.`);
  return side;
}
