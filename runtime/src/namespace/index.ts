import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, MultiverseError } from '../errors';
import { assertValidName } from '../names';
import { nodeFeatures } from '../node-features';
import { type Resolution, ResolveError, ResolverCache, resolveModule } from '../resolver';
import { AddonLoader, type AddonPolicy } from './addons';
import { barePackageName } from './bare-name';
import { CommonJsLoader } from './cjs-loader';
import { disposedError, NamespaceModuleNotFoundError } from './errors';
import { DirectoryEsm } from './esm-directory';
import { FACADE_URL, type NamespaceInfo, taggedUrl } from './esm-protocol';
import { TaggedEsm } from './esm-tagged';
import { createModuleFacade } from './module-facade';
import { checkAddons, checkEsm, checkRoot, checkShared, type EsmStrategy } from './options';

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
  private readonly directoryEsm: DirectoryEsm;
  private readonly taggedEsm: TaggedEsm;

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
    this.directoryEsm = new DirectoryEsm({
      name,
      root,
      needsCopy: shared.size > 0,
      hostAnchor: path.join(host, 'package.json'),
      sharedPackageDirs: () => this.sharedPackageDirs(),
      loadCommonJsForEsm: (file) => this.loadCommonJsForEsm(file),
      requireFromFile: (request, file) => this.live('require()').requireFromFile(request, file),
    });
    this.taggedEsm = new TaggedEsm({
      info: this.info,
      loadCommonJsForEsm: (file) => this.loadCommonJsForEsm(file),
      moduleFacade: () => this.moduleFacade(),
      recordLoaded: (resolution) => this.recordLoaded(resolution, 'import'),
    });
  }

  require(specifier: string): unknown {
    const loader = this.live('require()');
    return loader.requireFrom(specifier, loader.rootModule);
  }

  async import<T>(specifier: string): Promise<T> {
    return (await this.importFrom(specifier, this.live('import()').rootModule.filename)) as T;
  }

  /** `import(specifier)` from `fromFile` in this namespace (also what `import()` in its CommonJS runs). */
  async importFrom(specifier: string, fromFile: string, options?: unknown): Promise<unknown> {
    this.live('import()');
    const attributes = options as ImportCallOptions | undefined;
    const name = barePackageName(specifier);
    if (name !== null && this.shared.has(name)) {
      const file = resolveModule(specifier, path.join(this.host, 'package.json'), { conditions: 'import' }).path;
      return import(pathToFileURL(file).href, attributes);
    }
    if (this.esm === 'hooks' && (specifier === 'module' || specifier === 'node:module')) {
      return this.taggedEsm.import(taggedUrl(FACADE_URL, this.info.id), attributes);
    }
    const resolution = this.resolveInside(specifier, fromFile, 'import');
    if (resolution.builtin) return import(resolution.path, attributes);
    if (this.esm === 'paths') return this.directoryEsm.import(resolution, attributes);
    return this.taggedEsm.import(taggedUrl(pathToFileURL(resolution.path).href, this.info.id), attributes);
  }

  requireEsm(file: string): unknown {
    if (this.esm !== 'paths' || !nodeFeatures().requireEsm) {
      throw new MultiverseError(
        'ERR_REQUIRE_ESM',
        `${file} is an ES module and cannot be required inside namespace "${this.name}": ${
          this.esm === 'hooks' ? 'with esm "hooks" its ES modules are tagged URLs, which only import() loads (require() keys ES modules by file, one instance for every namespace)' : `Node ${process.version} cannot require ES modules`
        }. Use "await import(...)" (or ns.import()) for it.`,
      );
    }
    return this.directoryEsm.require(file);
  }

  /** `paths` strategy: claims the namespace's directory now (see claimNamespaceDirectory). */
  claimEsmDirectory(): string {
    return this.directoryEsm.claim();
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
    for (const resolution of this.directoryEsm.loaded(this.resolverCache)) this.recordLoaded(resolution, 'import');
    return [...this.loaded.values()].map(({ resolution: { path: file, format, packageName, version }, via }) => ({ path: file, format, packageName, version, loader: via }));
  }

  dispose(): void {
    const loader = this.loader;
    if (loader === null) return;
    this.loader = null;
    this.facade = null;
    for (const key of Object.keys(loader.cache)) Reflect.deleteProperty(loader.cache, key);
    this.addons.dispose();
    this.directoryEsm.release();
    this.taggedEsm.release();
  }

  // Called by the CommonJS loader, the path router and the ESM bridge.

  recordLoaded(resolution: Resolution, via: 'require' | 'import' = 'require'): void {
    if (!this.loaded.has(resolution.path)) this.loaded.set(resolution.path, { resolution, via });
  }

  loadCommonJsForEsm(file: string): unknown {
    const loader = this.live('loading CommonJS');
    const resolution = resolveModule(file, file, { conditions: 'require', boundary: this.root, cache: this.resolverCache });
    // With hooks, the hooks thread reports this load too, but its report may come after the module ran.
    this.recordLoaded(resolution, 'import');
    return loader.load(resolution, null);
  }

  moduleFacade(): object {
    this.facade ??= createModuleFacade(this.live('require("module")'));
    return this.facade;
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

  private live(what: string): CommonJsLoader {
    if (this.loader === null) throw disposedError(this.name, what);
    return this.loader;
  }
}
