import { readFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../../errors';
import * as extensionApi from '../../extension-api';
import { importsOnly, registerInThreadHooks } from '../../loader-hooks';
import { nodeFeatures } from '../../node-features';
import { methodsOf } from '../../rpc/methods';
import { RpcPeer } from '../../rpc/peer';
import type { Transport } from '../../rpc/transport';
import { toWireError } from '../../rpc/wire-error';
import { ExtensionBase } from '../extension-base';
import { enterExtensionSide } from '../extension-side';
import { permissionReport } from '../permission-report';
import { type EsmHookData, routeImport } from './esm-hooks';
import { provideRuntimeToCommonJs } from './provide-runtime';

/** What the manager tells a starting extension (worker data, or the process's argument). */
export interface BootInit {
  name: string;
  entry: string;
  directory: string;
  treeDir: string | undefined;
  apiNames: string[];
  callTimeoutMs: number;
  /** Worker mode only: a process extension gets `--inspect` on its command line instead. */
  inspect: number | undefined;
  /** Process mode under permissions: the paths granted, which the extension's report confirms. */
  permissionPaths: { fsRead: string[]; fsWrite: string[] } | undefined;
}

/** The extension-facing entry of the runtime (`multiverse` inside extensions): small, so start-up stays fast. */
const selfEntry = path.join(__dirname, '..', '..', 'extension-api.js');

/**
 * Registers this bootstrap's own copy of the extension API as the module `multiverse` resolves to.
 * The repository build bundles the bootstrap into one file (one file loads ~5 ms faster than ~17),
 * and the extension must get the very classes the bootstrap checks against, not a second copy
 * read from extension-api.js. Unbundled, extension-api.js is already loaded and stays as it is.
 */
function provideSelf(): void {
  if (require.cache[selfEntry] !== undefined) return;
  const self = new Module(selfEntry);
  self.filename = selfEntry;
  self.loaded = true;
  self.exports = extensionApi;
  require.cache[selfEntry] = self;
}

/**
 * Loads the extension and serves it over `transport`: the common part of the worker and the process
 * entry points. Reports `ready` (with the method names) or `failed` (with the error) to the host,
 * which then owns the lifecycle: on `stop` the extension's `stop()` runs and the thread or process exits.
 */
export function boot(init: BootInit, transport: Transport, exit: (code: number) => void): RpcPeer {
  provideSelf();
  provideRuntimeToCommonJs(selfEntry, init.directory, init.treeDir);
  let extension: ExtensionBase | undefined;
  const peer = new RpcPeer(transport, {
    remoteName: 'the host',
    defaultTimeoutMs: init.callTimeoutMs,
    resolveTarget: (name) => (name === '' ? extension : undefined),
    onControl: (type) => {
      if (type === 'stop') void stopAndExit(extension, exit);
    },
  });
  enterExtensionSide({ name: init.name, peer, apiNames: init.apiNames });
  void (async () => {
    try {
      const module = await loadEntry(init);
      const Extension = extensionClass(module, init.entry);
      extension = new Extension();
      await extension.beforeModuleLoaded();
      await extension.onModuleLoaded(module);
      const permissions = init.permissionPaths === undefined ? undefined : permissionReport(init.permissionPaths);
      peer.control('ready', { methods: [...methodsOf(extension)].sort(), permissions });
    } catch (error) {
      // The host terminates the extension when it reads this, after the message has crossed.
      peer.control('failed', toWireError(error));
    }
  })();
  return peer;
}

async function stopAndExit(extension: ExtensionBase | undefined, exit: (code: number) => void): Promise<void> {
  try {
    await extension?.stop();
  } catch (error) {
    process.stderr.write(`stop() failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  exit(0);
}

async function loadEntry(init: BootInit): Promise<unknown> {
  const esm = isEsModule(init.entry);
  routeImports(init, esm);
  // Node 20.19+ can require() an ES module, but that would bypass the ESM hooks that provide
  // 'multiverse' to it on Node 20, so the format is decided up front, the way Node decides it.
  if (!esm) {
    // The entry is only known at run time; loading it with the CommonJS loader is the point here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(init.entry) as unknown;
  }
  return (await import(pathToFileURL(init.entry).href)) as unknown;
}

/**
 * Routes the extension's ES imports (see esm-hooks.ts). Where Node has synchronous in-thread hooks
 * they cost next to nothing, so every extension gets them, and `import()` from CommonJS resolves in
 * the tree too; `require` is already routed by provideRuntimeToCommonJs. On Node 20 the only hooks
 * run on a thread of their own (~40 ms to start, and a worker under the permission model), so only
 * ES module extensions get them.
 */
function routeImports(init: BootInit, esm: boolean): void {
  const data: EsmHookData = {
    self: pathToFileURL(selfEntry).href,
    directory: pathToFileURL(init.directory + path.sep).href,
    tree: init.treeDir === undefined ? undefined : pathToFileURL(path.join(init.treeDir, 'package.json')).href,
  };
  if (nodeFeatures().syncHooks) {
    registerInThreadHooks({ resolve: importsOnly((specifier, context, next) => routeImport(data, specifier, context, next)) });
    return;
  }
  if (!esm) return;
  try {
    register(pathToFileURL(path.join(__dirname, 'esm-hooks.js')).href, { data });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_ACCESS_DENIED') throw error;
    throw new InputError(
      'EESMPERMISSION',
      `${init.entry} is an ES module: Node ${process.versions.node} runs the module hooks that provide 'multiverse' to it on a worker thread, which the permission model forbids. Add permissions.worker: true, write the extension as CommonJS, or run it on Node 22.15 or later (in-thread hooks).`,
      { cause: error },
    );
  }
}

/** `.mjs`, or `.js` under a package.json with "type": "module" (the nearest one decides). */
function isEsModule(file: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type === 'module';
    } catch (error) {
      // Under the permission model, directories above the granted ones cannot be read: stop there.
      const code = (error as { code?: unknown }).code;
      if (code !== 'ENOENT' || path.dirname(dir) === dir) return false;
    }
  }
}

type ExtensionClass = new () => ExtensionBase;

/** The default export, unwrapped from CommonJS/ESM interop layers, if it is an ExtensionBase subclass. */
function extensionClass(module: unknown, entry: string): ExtensionClass {
  const candidates = [module, property(module, 'default'), property(property(module, 'default'), 'default')];
  const found = candidates.find((c): c is ExtensionClass => typeof c === 'function' && c.prototype instanceof ExtensionBase);
  if (found !== undefined) return found;
  const exported = property(module, 'default') ?? module;
  const what =
    typeof exported === 'function' ? `${exported.name === '' ? 'an anonymous function' : `"${exported.name}"`}, which does not extend ExtensionBase`
    : exported === undefined ? 'nothing'
    : typeof exported === 'object' ? 'an object, not a class'
    : `a ${typeof exported}`;
  throw new InputError('ENOTEXTENSION', `${entry} must default-export a class extending ExtensionBase (import { ExtensionBase } from 'multiverse'); its default export is ${what}.`);
}

function property(value: unknown, key: string): unknown {
  return (typeof value === 'object' || typeof value === 'function') && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
