import Module from 'node:module';
import * as path from 'node:path';

/** A namespace that owns a directory whose ES modules Node loads natively. */
export interface DirectoryOwner {
  /** Loads a CommonJS file (a path under the namespace root) in the namespace registry. */
  loadCommonJsForEsm(file: string): unknown;
  /** `require(request)` from `fromFile` (a path under the namespace root) in the namespace. */
  requireFromFile(request: string, fromFile: string): unknown;
  /** The file the namespace's own host `require` is anchored at: its calls are the app's, never routed. */
  readonly hostAnchor: string;
}

interface Claim {
  /** The directory Node loads from, with a trailing separator. */
  dir: string;
  /** The namespace root it stands for, with a trailing separator. */
  root: string;
  owner: DirectoryOwner;
}

const claims: Claim[] = [];
// Directories whose files have been loaded by a namespace: Node never forgets an ES module, so a
// directory serves one namespace for the life of the process.
const used = new Set<string>();

/** Whether a namespace may load ES modules straight from `dir` (nobody has used it yet). */
export function isFresh(dir: string): boolean {
  return !used.has(dir);
}

/**
 * Hands `dir` (the root itself or a copy of it) to `owner` and returns the release function.
 * CommonJS that Node's ESM loader reaches from a file in `dir` is routed into the owner's registry,
 * at the matching path under `root`, so a package has one instance per namespace whichever loader
 * reached it and the host's `require.cache` stays clean.
 */
export function claimDirectory(dir: string, root: string, owner: DirectoryOwner): () => void {
  installRouter();
  used.add(dir);
  const claim = { dir: withSep(dir), root: withSep(root), owner };
  claims.push(claim);
  return () => {
    const index = claims.indexOf(claim);
    if (index !== -1) claims.splice(index, 1);
  };
}

/**
 * Takes the entries of files under `dir` out of `require.cache`. Node 20's ESM loader files some
 * there on its own: each JSON module it imports, and an unloaded stub for every file a CommonJS
 * module re-exports (`module.exports = require(...)`), created to find its export names. A
 * namespace directory never has legitimate entries there, since its CommonJS lives in the
 * namespace registry.
 */
export function sweepHostCache(dir: string): void {
  const cache = (Module as unknown as { _cache: Record<string, Module> })._cache;
  const prefix = withSep(dir);
  for (const file of Object.keys(cache)) {
    if (file.startsWith(prefix)) Reflect.deleteProperty(cache, file);
  }
}

function withSep(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}

function claimOf(file: string | null | undefined): Claim | undefined {
  if (typeof file !== 'string') return undefined;
  return claims.find((claim) => file.startsWith(claim.dir));
}

function toRoot(claim: Claim, file: string): string {
  return claim.root + file.slice(claim.dir.length);
}

let installed = false;
let nodeLoad: ((request: string, parent: Module | undefined, isMain: boolean) => unknown) | null = null;

/**
 * Loads `file` with Node's own `Module._load`, past the router: `require(esm)` of a file in a
 * claimed directory, which Node 20.19+ runs through its ESM loader (the ES modules stay in the
 * directory, so in the namespace; CommonJS they reach is routed as usual).
 */
export function loadNatively(file: string): unknown {
  installRouter();
  return (nodeLoad as NonNullable<typeof nodeLoad>).call(Module, file, undefined, false);
}

/**
 * Node 20's ESM loader runs CommonJS through `Module._load(filename)` after putting a fresh
 * `Module` in `require.cache`, and `createRequire` in an ES module calls `Module._load(request,
 * parent)`. Both are routed here for files of claimed directories: the pre-made cache entry gets
 * the namespace's exports and leaves the cache again. Everything else goes to Node unchanged.
 */
function installRouter(): void {
  if (installed) return;
  installed = true;
  const internals = Module as unknown as {
    _load(request: string, parent: Module | undefined, isMain: boolean): unknown;
    _cache: Record<string, Module>;
  };
  const original = internals._load;
  nodeLoad = original;
  internals._load = function load(this: unknown, request: string, parent: Module | undefined, isMain: boolean): unknown {
    if (claims.length > 0) {
      const target = path.isAbsolute(request) ? claimOf(request) : undefined;
      if (target !== undefined) {
        const premade = internals._cache[request];
        try {
          const exports = target.owner.loadCommonJsForEsm(toRoot(target, request));
          if (premade !== undefined) {
            premade.exports = exports;
            (premade as unknown as { loaded: boolean }).loaded = true;
          }
          return exports;
        } finally {
          if (premade !== undefined) Reflect.deleteProperty(internals._cache, request);
        }
      }
      const parentFile = parent?.filename;
      const from = Module.isBuiltin(request) ? undefined : claimOf(parentFile);
      if (from !== undefined && parentFile !== undefined && parentFile !== from.owner.hostAnchor) {
        return from.owner.requireFromFile(request, toRoot(from, parentFile));
      }
    }
    return original.call(this, request, parent, isMain);
  };
}
