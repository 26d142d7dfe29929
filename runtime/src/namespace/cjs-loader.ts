import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vm from 'node:vm';
import { MultiverseError } from '../errors';
import { boundedLookupPaths, type Resolution, ResolveError, ResolverCache, resolveModule } from '../resolver';
import { type AddonLoader } from './addons';
import { barePackageName } from './bare-name';
import { DYNAMIC_IMPORT, rewriteDynamicImports } from './dynamic-import';
import { NamespaceModuleNotFoundError } from './errors';

/** What the CommonJS loader needs from the namespace that owns it. */
export interface LoaderOwner {
  readonly name: string;
  /** Real path of the namespace root: `node_modules` lookups stop here. */
  readonly root: string;
  /** Package names that come from the app (`hostRequire`) instead of the namespace tree. */
  readonly shared: ReadonlySet<string>;
  /** The app directory `shared` packages come from. */
  readonly host: string;
  readonly hostRequire: NodeJS.Require;
  readonly addons: AddonLoader;
  importFrom(specifier: string, fromFile: string, options?: unknown): Promise<unknown>;
  /** `require(esm)`: the module namespace of the ES module `file` (a path under the root). */
  requireEsm(file: string): unknown;
  moduleFacade(): object;
  recordLoaded(resolution: Resolution): void;
}

/** Where a specifier leads: a file of the namespace, a built-in, or a shared package of the app. */
type Target = { kind: 'file'; resolution: Resolution } | { kind: 'builtin'; id: string } | { kind: 'shared' };

// The wrapper Node uses, plus the dynamic-import stand-in; columnOffset hides its width in stacks.
const WRAPPER_HEAD = `(function (exports, require, module, __filename, __dirname, ${DYNAMIC_IMPORT}) { `;
const WRAPPER_TAIL = '\n});';

interface ModuleInternals {
  filename: string | null;
  paths: string[];
  loaded: boolean;
  require(id: string): unknown;
}

/**
 * A private CommonJS registry, the way jest-runtime builds one: resolution by the Multiverse
 * resolver bounded to the namespace root, code compiled with `vm.Script` over Node's module
 * wrapper in the main realm, and real `Module` objects that are never put in `require.cache`.
 * The brief measured this as fast as native `require`; it is also what lets two namespaces over the
 * same files hold two instances, which Node's path-keyed cache cannot.
 */
export class CommonJsLoader {
  /** filename → module, exposed as `require.cache` and `require('module')._cache` in the namespace. */
  readonly cache: Record<string, Module> = Object.create(null) as Record<string, Module>;
  readonly rootModule: Module;
  private readonly resolverCache = new ResolverCache();
  private readonly targets = new Map<string, Target>();
  private readonly lookupPaths = new Map<string, string[]>();
  private readonly parents = new Map<string, Module>();

  constructor(private readonly owner: LoaderOwner) {
    this.rootModule = this.pseudoModule(path.join(owner.root, `[namespace ${owner.name}]`));
  }

  requireFrom(request: unknown, parent: Module): unknown {
    const target = this.resolve(request, parent);
    if (target.kind === 'builtin') {
      return target.id === 'node:module' ? this.owner.moduleFacade() : this.owner.hostRequire(target.id);
    }
    if (target.kind === 'shared') return this.requireShared(request as string, parent);
    return this.load(target.resolution, parent);
  }

  /** A `shared` package comes from the app; if the app lacks it, say which list promised it. */
  private requireShared(request: string, parent: Module): unknown {
    try {
      return this.owner.hostRequire(request);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !(error as Error).message.includes(`'${request}'`)) throw error;
      throw new MultiverseError(
        'MODULE_NOT_FOUND',
        `Cannot find module '${request}' for namespace "${this.owner.name}" (required from ${parent.filename}): it is listed in "shared", so it comes from the app, and the app at ${this.owner.host} does not have it. Install it in the app or remove it from "shared".`,
        { cause: error },
      );
    }
  }

  /** `require(request)` on behalf of a file that is not in the registry (an ES module). */
  requireFromFile(request: unknown, fromFile: string): unknown {
    let parent = this.parents.get(fromFile);
    if (parent === undefined) {
      parent = this.pseudoModule(fromFile);
      this.parents.set(fromFile, parent);
    }
    return this.requireFrom(request, parent);
  }

  /** `require.resolve`: a file path, or the request itself for built-ins, as Node answers. */
  resolveFilename(request: unknown, parent: { filename?: string | null }, options?: { paths?: string[] }): string {
    const from = parent.filename ?? this.rootModule.filename ?? this.owner.root;
    const bases = options?.paths?.map((dir) => path.join(path.resolve(dir), '[paths]')) ?? [from];
    let lastError: unknown;
    for (const base of bases) {
      try {
        const target = this.resolveFrom(request, base);
        if (target.kind === 'builtin') return request as string;
        if (target.kind === 'shared') return this.owner.hostRequire.resolve(request as string);
        return target.resolution.path;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  createRequire(filename: string | URL): NodeJS.Require {
    const file = typeof filename === 'string' && !filename.startsWith('file:') ? filename : fileURLToPath(stripQuery(filename));
    if (!path.isAbsolute(file)) {
      throw new MultiverseError('ERR_INVALID_ARG_VALUE', `createRequire in namespace "${this.owner.name}" needs an absolute path or a file: URL, got ${JSON.stringify(filename)}.`);
    }
    return this.makeRequire(this.pseudoModule(file));
  }

  /** Loads `resolution` (already resolved in this namespace) and returns its exports. */
  load(resolution: Resolution, parent: Module | null): unknown {
    const cached = this.cache[resolution.path];
    if (cached !== undefined) return cached.exports;
    const module = new Module(resolution.path, parent ?? undefined);
    const internals = module as unknown as ModuleInternals;
    internals.filename = resolution.path;
    internals.paths = this.pathsFor(path.dirname(resolution.path));
    internals.require = (id: string) => this.requireFrom(id, module);
    this.cache[resolution.path] = module;
    let failed = true;
    try {
      this.evaluate(module, resolution);
      failed = false;
    } finally {
      if (failed) Reflect.deleteProperty(this.cache, resolution.path);
    }
    internals.loaded = true;
    this.owner.recordLoaded(resolution);
    return module.exports;
  }

  private resolve(request: unknown, parent: Module): Target {
    return this.resolveFrom(request, (parent as unknown as ModuleInternals).filename ?? this.owner.root);
  }

  private resolveFrom(request: unknown, fromFile: string): Target {
    if (typeof request !== 'string' || request === '') {
      throw new MultiverseError(
        'ERR_INVALID_ARG_VALUE',
        `require() in namespace "${this.owner.name}" (from ${fromFile}) needs a non-empty string, got ${request === '' ? 'an empty string' : typeof request}.`,
      );
    }
    const key = `${path.dirname(fromFile)}\0${request}`;
    let target = this.targets.get(key);
    if (target === undefined) {
      target = this.computeTarget(request, fromFile);
      this.targets.set(key, target);
    }
    return target;
  }

  private computeTarget(request: string, fromFile: string): Target {
    const name = barePackageName(request);
    if (name !== null && this.owner.shared.has(name)) return { kind: 'shared' };
    try {
      const resolution = resolveModule(request, fromFile, { conditions: 'require', boundary: this.owner.root, cache: this.resolverCache });
      return resolution.builtin ? { kind: 'builtin', id: resolution.path } : { kind: 'file', resolution };
    } catch (error) {
      if (error instanceof ResolveError && error.code === 'MODULE_NOT_FOUND') {
        throw new NamespaceModuleNotFoundError(this.owner.name, this.owner.root, request, fromFile, error);
      }
      throw error;
    }
  }

  private evaluate(module: Module, resolution: Resolution): void {
    const file = resolution.path;
    switch (resolution.format) {
      case 'json':
        try {
          module.exports = JSON.parse(stripBom(readFileSync(file, 'utf8')));
        } catch (error) {
          (error as Error).message = `${file}: ${(error as Error).message}`;
          throw error;
        }
        return;
      case 'addon':
        this.owner.addons.load(module, file, resolution.packageName);
        return;
      case 'module':
        module.exports = this.owner.requireEsm(file);
        return;
      default:
        this.compile(module, file);
    }
  }

  private compile(module: Module, file: string): void {
    const source = rewriteDynamicImports(hideShebang(stripBom(readFileSync(file, 'utf8'))));
    const script = new vm.Script(WRAPPER_HEAD + source + WRAPPER_TAIL, { filename: file, columnOffset: -WRAPPER_HEAD.length });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
    const dynamicImport = (specifier: string, options?: unknown) => this.owner.importFrom(specifier, file, options);
    wrapper.call(module.exports, module.exports, this.makeRequire(module), module, file, path.dirname(file), dynamicImport);
  }

  private makeRequire(module: Module): NodeJS.Require {
    const require = ((id: string) => this.requireFrom(id, module)) as NodeJS.Require;
    const resolve = ((request: string, options?: { paths?: string[] }) => this.resolveFilename(request, module, options)) as NodeJS.RequireResolve;
    resolve.paths = (request: string) => {
      if (Module.isBuiltin(request)) return null;
      const dir = path.dirname(module.filename);
      return request.startsWith('.') ? [dir] : this.pathsFor(dir);
    };
    require.resolve = resolve;
    require.cache = this.cache;
    require.main = this.owner.hostRequire.main;
    require.extensions = this.owner.hostRequire.extensions;
    return require;
  }

  /** `module.paths`, computed once per directory; each module gets its own copy to mutate. */
  private pathsFor(dir: string): string[] {
    let paths = this.lookupPaths.get(dir);
    if (paths === undefined) {
      paths = boundedLookupPaths(dir, this.owner.root);
      this.lookupPaths.set(dir, paths);
    }
    return paths.slice();
  }

  private pseudoModule(file: string): Module {
    const module = new Module(file);
    const internals = module as unknown as ModuleInternals;
    internals.filename = file;
    internals.paths = this.pathsFor(path.dirname(file));
    internals.loaded = true;
    internals.require = (id: string) => this.requireFrom(id, module);
    return module;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A `#!` line is only legal at offset 0, which the wrapper takes; keep its length as a comment. */
function hideShebang(text: string): string {
  return text.startsWith('#!') ? `//${text.slice(2)}` : text;
}

function stripQuery(url: string | URL): URL {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}
