import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors';
import { builtinId } from './builtins';
import { resolveCommonJs } from './cjs';
import { nodeFeatures } from '../node-features';
import type { ResolveContext } from './context';
import { resolveEsm } from './esm';
import { formatOf, type ModuleFormat } from './format';
import { ResolverCache } from './fs-cache';
import { packageInfo } from './package-info';

export { ResolveError } from './context';
export { ResolverCache } from './fs-cache';
export { boundedLookupPaths } from './lookup-paths';
export type { ModuleFormat } from './format';

/** Which file an import loads, and what it is. */
export interface Resolution {
  /** Real path of the file, or `node:<name>` for a built-in. */
  path: string;
  packageName: string | null;
  version: string | null;
  format: ModuleFormat;
  builtin: boolean;
  /** The directory of the package.json that names the package, or null. */
  packageRoot: string | null;
}

export interface ResolveOptions {
  /** `require` (CommonJS rules, the default) or `import` (ESM rules). */
  conditions?: 'require' | 'import';
  /** Never look for `node_modules` above this directory (a namespace root); no global folders. */
  boundary?: string;
  /** Reuse file-system answers across calls; a fresh cache per call when omitted. */
  cache?: ResolverCache;
  /**
   * The Node version whose rules apply ("24.22.3", "v22.12.0", "20"): its condition names
   * ("module-sync" where require(esm) is on) and edge-case rules. The running Node by default.
   */
  node?: string;
}

/**
 * Answers "which file does `specifier` load when imported from `fromFile`" exactly as the target
 * Node's `require.resolve` (conditions "require") or `import.meta.resolve` (conditions "import")
 * would, computed from the file system alone, so it is the same answer for the runtime, the
 * installer and the language server, whatever any loader has cached. `fromFile` may be a path or a
 * file URL.
 */
export function resolveModule(specifier: string, fromFile: string, options: ResolveOptions = {}): Resolution {
  if (typeof specifier !== 'string' || specifier === '') {
    throw new InputError('ERR_INVALID_ARG_VALUE', `The specifier to resolve must be a non-empty string, got ${JSON.stringify(specifier)}.`);
  }
  const from = toPath(fromFile);
  const cache = options.cache ?? new ResolverCache();
  const node = nodeFeatures(options.node);
  const ctx: ResolveContext = {
    cache,
    conditions: conditionSet(node.conditions[options.conditions === 'import' ? 'import' : 'require']),
    node,
    specifier,
    fromFile: from,
    boundary: options.boundary === undefined ? null : path.resolve(options.boundary),
  };
  const builtin = builtinId(ctx);
  if (builtin !== null) {
    return { path: builtin, packageName: null, version: null, format: 'builtin', builtin: true, packageRoot: null };
  }
  const file = options.conditions === 'import' ? resolveEsm(ctx) : resolveCommonJs(ctx);
  return { path: file, format: formatOf(file, cache), builtin: false, ...packageInfo(file, cache) };
}

// One Set per condition list: nodeFeatures memoises per version, so this is one lookup per call.
const conditionSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function conditionSet(list: readonly string[]): ReadonlySet<string> {
  let set = conditionSets.get(list);
  if (set === undefined) {
    set = new Set(list);
    conditionSets.set(list, set);
  }
  return set;
}

function toPath(fromFile: unknown): string {
  if (typeof fromFile === 'string' && fromFile.startsWith('file:')) return fileURLToPath(fromFile);
  if (typeof fromFile !== 'string' || !path.isAbsolute(fromFile)) {
    throw new InputError(
      'ERR_INVALID_ARG_VALUE',
      `The importing file must be an absolute path or a file: URL, got ${JSON.stringify(fromFile)}.`,
    );
  }
  return fromFile;
}
