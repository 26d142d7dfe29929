import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, MultiverseError } from '../errors';
import { assertValidName } from '../names';
import { type Resolution, ResolveError, ResolverCache, resolveModule } from '../resolver';
import { AddonLoader, type AddonPolicy } from './addons';
import { barePackageName } from './bare-name';
import { CommonJsLoader } from './cjs-loader';
import { disposedError, NamespaceModuleNotFoundError } from './errors';
import { type EsmBridge, esmBridge } from './esm-bridge';
import { FACADE_URL, type NamespaceInfo, taggedUrl } from './esm-protocol';
import { staticEsmGraph } from './esm-graph';
import { createMirror, removeMirror } from './mirror';
import { createModuleFacade } from './module-facade';
import { checkAddons, checkEsm, checkRoot, checkShared, type EsmStrategy } from './options';
import { claimDirectory, isFresh, loadNatively, sweepHostCache } from './path-router';

export { NamespaceModuleNotFoundError } from './errors';
export { sweepHostCache } from './path-router';
export type { AddonPolicy } from './addons';
export type { EsmStrategy } from './options';

export interface NamespaceOptions {
  /** Names the namespace in errors, `modules()` and module URLs (`?mvns=<name>`). */
  name: string;
  /** The directory whose `node_modules` the namespace resolves from (and never above). */
  root: string;
  /** Packages taken from the app instead of the namespace (singletons such as a logger). */
  shared?: string[];
  /** The app directory that resolves `shared` packages; defaults to the current directory. */
  host?: string;
  /** `refuse` (default) an addon loaded elsewhere in the process, or load a private byte `copy`. */
  addons?: AddonPolicy;
  /** How ES modules load: `paths` (default) or `hooks`. */
  esm?: EsmStrategy;
}

/** A file a namespace loaded, and through which loader. */
export interface LoadedModule {
  path: string;
  format: Resolution['format'];
  packageName: string | null;
  version: string | null;
  loader: 'require' | 'import';
}

/** A resolution inside a namespace; `namespace` is null for shared packages and built-ins. */
export type NamespaceResolution = Resolution & { namespace: string | null };

export interface Namespace {
  readonly name: string;
  readonly root: string;
  /** Loads a module inside the namespace, like `require` from the namespace root. */
  require(specifier: string): unknown;
  /** Imports a module inside the namespace, like `import()` from the namespace root. */
  import<T = Record<string, unknown>>(specifier: string): Promise<T>;
  /** Which file `specifier` loads in this namespace (`require` rules unless `import` is asked). */
  resolve(specifier: string, options?: { conditions?: 'require' | 'import' }): NamespaceResolution;
  /** Every file the namespace has loaded so far, in the order they finished loading. */
  modules(): LoadedModule[];
  /** Drops the namespace's CommonJS registry so it can be collected; ESM stays (Node 20 cannot unload it). */
  dispose(): void;
}

/**
 * Makes `namespace` own the directory its ES modules load from, now rather than at its first
 * import, and returns it: `multiverse/register` routes the app's imports straight to files there.
 */
export function claimNamespaceDirectory(namespace: Namespace): string {
  if (!(namespace instanceof NamespaceImpl) || namespace.esm !== 'paths') {
    throw new InputError('EINVALIDOPTIONS', `Namespace "${namespace.name}" must be created by createNamespace with esm "paths" to have its directory claimed.`);
  }
  return namespace.claimEsmDirectory();
}

// Tags stay unique for the life of the process: ES modules are cached by URL forever, so a new
// namespace must never reuse the tag of a disposed one.
const usedTags = new Set<string>();

function uniqueTag(name: string): string {
  let tag = name;
  for (let n = 2; usedTags.has(tag); n += 1) tag = `${name}~${n}`;
  usedTags.add(tag);
  return tag;
}

/**
 * Creates a namespace: a private module registry over `root`'s `node_modules`, in this process
 * and this realm, whose modules keep importing inside it. See runtime/README.md for the design.
 */
export function createNamespace(options: NamespaceOptions): Namespace {
  if (typeof options !== 'object' || options === null) {
    throw new InputError('EINVALIDOPTIONS', `createNamespace needs an options object { name, root }, got ${options === null ? 'null' : typeof options}.`);
  }
  assertValidName('namespace', options.name);
  return new NamespaceImpl(
    options.name,
    checkRoot(options.name, options.root),
    checkShared(options.shared),
    path.resolve(options.host ?? process.cwd()),
    checkAddons(options.addons),
    checkEsm(options.esm),
  );
}


class NamespaceImpl implements Namespace {
  readonly hostRequire: NodeJS.Require;
  readonly addons: AddonLoader;
  readonly info: NamespaceInfo;
  private loader: CommonJsLoader | null;
  private facade: object | null = null;
  private readonly resolverCache = new ResolverCache();
  private readonly loaded = new Map<string, { resolution: Resolution; via: 'require' | 'import' }>();
  private joined: Promise<EsmBridge> | null = null;
  /** `paths` strategy: the directory Node loads this namespace's ES modules from. */
  private esmDirectory: { dir: string; release(): void } | null = null;
  private readonly esmEntries = new Set<string>();

  constructor(
    readonly name: string,
    readonly root: string,
    readonly shared: ReadonlySet<string>,
    readonly host: string,
    addonPolicy: AddonPolicy,
    readonly esm: EsmStrategy,
  ) {
    const id = uniqueTag(name);
    this.info = { id, name, root, shared: [...shared], host };
    this.hostRequire = createRequire(path.join(host, 'package.json'));
    this.addons = new AddonLoader(id, name, addonPolicy);
    this.loader = new CommonJsLoader(this);
  }

  require(specifier: string): unknown {
    const loader = this.live('require()');
    return loader.requireFrom(specifier, loader.rootModule);
  }

  async import<T>(specifier: string): Promise<T> {
    return (await this.importFrom(specifier, this.live('import()').rootModule.filename)) as T;
  }

  async importFrom(specifier: string, fromFile: string, options?: unknown): Promise<unknown> {
    this.live('import()');
    if (this.esm === 'paths') return this.importByPath(specifier, fromFile, options);
    const url = this.esmUrl(specifier, fromFile);
    const bridge = await this.join();
    const namespace: unknown = await import(url, options as ImportCallOptions);
    await bridge.sync();
    return namespace;
  }

  /** `paths` strategy: Node imports the file from the namespace's own directory. */
  private async importByPath(specifier: string, fromFile: string, options?: unknown): Promise<unknown> {
    const name = barePackageName(specifier);
    if (name !== null && this.shared.has(name)) return this.importShared(specifier, options);
    const resolution = this.resolveInside(specifier, fromFile, 'import');
    if (resolution.builtin) return import(resolution.path, options as ImportCallOptions);
    const dir = this.claimEsmDirectory();
    const loaded = dir === this.root ? resolution.path : dir + resolution.path.slice(this.root.length);
    let namespace: unknown;
    try {
      namespace = await import(pathToFileURL(loaded).href, options as ImportCallOptions);
    } catch (error) {
      // Node's message names the file but not the namespace whose tree lacked the package.
      if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
        (error as Error).message = `In namespace "${this.name}" (root ${this.root}): ${(error as Error).message}`;
      }
      throw error;
    } finally {
      sweepHostCache(dir);
    }
    if (resolution.format === 'module' || resolution.format === 'json') this.esmEntries.add(resolution.path);
    return namespace;
  }

  requireEsm(file: string): unknown {
    if (this.esm !== 'paths' || process.features.require_module !== true) {
      throw new MultiverseError(
        'ERR_REQUIRE_ESM',
        `${file} is an ES module and cannot be required inside namespace "${this.name}": ${
          this.esm === 'hooks' ? 'with esm "hooks" its ES modules load through loader hooks, which only import() reaches' : `Node ${process.version} cannot require ES modules`
        }. Use "await import(...)" (or ns.import()) for it.`,
      );
    }
    const dir = this.claimEsmDirectory();
    try {
      const namespace = loadNatively(dir === this.root ? file : dir + file.slice(this.root.length));
      this.esmEntries.add(file);
      return namespace;
    } finally {
      // Node files the ES module in require.cache too; the namespace registry holds it instead.
      sweepHostCache(dir);
    }
  }

  private importShared(specifier: string, options?: unknown): Promise<unknown> {
    const file = resolveModule(specifier, path.join(this.host, 'package.json'), { conditions: 'import' }).path;
    return import(pathToFileURL(file).href, options as ImportCallOptions);
  }

  /**
   * The root itself when no namespace has loaded from it yet, else a hard-linked copy (ES modules
   * are cached by path for good, so a used directory would hand out stale instances). Shared
   * packages always need a copy: its node_modules points them at the app's directories.
   */
  claimEsmDirectory(): string {
    if (this.esmDirectory === null) {
      let dir = this.root;
      if (this.shared.size > 0 || !isFresh(this.root)) dir = createMirror(this.root, this.name, this.sharedPackageDirs());
      const release = claimDirectory(dir, this.root, {
        loadCommonJsForEsm: (file) => this.loadCommonJsForEsm(file),
        requireFromFile: (request, file) => this.live('require()').requireFromFile(request, file),
        hostAnchor: path.join(this.host, 'package.json'),
      });
      this.esmDirectory = {
        dir,
        release: () => {
          release();
          if (dir !== this.root) removeMirror(dir);
        },
      };
    }
    return this.esmDirectory.dir;
  }

  private sharedPackageDirs(): Map<string, string> {
    const dirs = new Map<string, string>();
    for (const name of this.shared) {
      try {
        const root = resolveModule(name, path.join(this.host, 'package.json'), { conditions: 'import' }).packageRoot;
        if (root !== null) dirs.set(name, root);
      } catch {
        // The app lacks it: importing it from the namespace will say so.
      }
    }
    return dirs;
  }

  resolve(specifier: string, options: { conditions?: 'require' | 'import' } = {}): NamespaceResolution {
    const loader = this.live('resolve()');
    const name = barePackageName(specifier);
    if (name !== null && this.shared.has(name)) {
      return { ...resolveModule(specifier, path.join(this.host, 'package.json'), { conditions: options.conditions ?? 'require' }), namespace: null };
    }
    const resolution = this.resolveInside(specifier, loader.rootModule.filename, options.conditions ?? 'require');
    return { ...resolution, namespace: resolution.builtin ? null : this.name };
  }

  modules(): LoadedModule[] {
    if (this.esmEntries.size > 0) {
      for (const resolution of staticEsmGraph(this.esmEntries, this.root, this.resolverCache)) this.recordLoaded(resolution, 'import');
    }
    return [...this.loaded.values()].map(({ resolution: { path: file, format, packageName, version }, via }) => ({ path: file, format, packageName, version, loader: via }));
  }

  dispose(): void {
    const loader = this.loader;
    if (loader === null) return;
    this.loader = null;
    this.facade = null;
    for (const key of Object.keys(loader.cache)) Reflect.deleteProperty(loader.cache, key);
    this.addons.dispose();
    this.esmDirectory?.release();
    if (this.joined !== null) void this.joined.then((bridge) => bridge.leave(this.info.id));
  }

  // Called by the CommonJS loader and the ESM bridge.

  recordLoaded(resolution: Resolution, via: 'require' | 'import' = 'require'): void {
    if (!this.loaded.has(resolution.path)) this.loaded.set(resolution.path, { resolution, via });
  }

  loadCommonJsForEsm(file: string): unknown {
    const loader = this.live('loading CommonJS');
    const resolution = resolveModule(file, file, { conditions: 'require', boundary: this.root, cache: this.resolverCache });
    // The hooks thread reports this load too, but its message may arrive after the module ran.
    this.recordLoaded(resolution, 'import');
    return loader.load(resolution, null);
  }

  moduleFacade(): object {
    this.facade ??= createModuleFacade(this.live('require("module")'));
    return this.facade;
  }

  private esmUrl(specifier: string, fromFile: string): string {
    if (specifier === 'module' || specifier === 'node:module') return taggedUrl(FACADE_URL, this.info.id);
    const name = barePackageName(specifier);
    if (name !== null && this.shared.has(name)) {
      return pathToFileURL(resolveModule(specifier, path.join(this.host, 'package.json'), { conditions: 'import' }).path).href;
    }
    const resolution = this.resolveInside(specifier, fromFile, 'import');
    return resolution.builtin ? resolution.path : taggedUrl(pathToFileURL(resolution.path).href, this.info.id);
  }

  private resolveInside(specifier: string, fromFile: string, conditions: 'require' | 'import'): Resolution {
    try {
      return resolveModule(specifier, fromFile, { conditions, boundary: this.root, cache: this.resolverCache });
    } catch (error) {
      if (error instanceof ResolveError && error.code === 'MODULE_NOT_FOUND') {
        throw new NamespaceModuleNotFoundError(this.name, this.root, specifier, fromFile, error);
      }
      throw error;
    }
  }

  private join(): Promise<EsmBridge> {
    this.joined ??= (async () => {
      const bridge = esmBridge();
      await bridge.join({
        info: this.info,
        loadCommonJsForEsm: (file) => this.loadCommonJsForEsm(file),
        moduleFacade: () => this.moduleFacade(),
        recordLoaded: (resolution) => this.recordLoaded(resolution, 'import'),
      });
      return bridge;
    })();
    return this.joined;
  }

  private live(what: string): CommonJsLoader {
    if (this.loader === null) throw disposedError(this.name, what);
    return this.loader;
  }
}
