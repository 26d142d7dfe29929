import { statSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { type ResolveContext, ResolveError } from './context';
import type { ResolverCache } from './fs-cache';

/** A package in Yarn's Plug'n'Play map: `reference` is `npm:1.0.0`, `workspace:.`, `virtual:<hash>#npm:1.0.0`... */
export interface PnpLocator {
  name: string;
  reference: string;
}

export interface PnpPackageInformation {
  /** Absolute, with a trailing slash: a folder, a folder in a zip archive, or a virtual path to one. */
  packageLocation: string;
  /** Each dependency's reference, `[alias, reference]` for an alias, `null` for a peer nobody provides. */
  packageDependencies: Map<string, string | [string, string] | null>;
  packagePeers?: Set<string>;
  linkType: 'HARD' | 'SOFT';
}

/** The part of Yarn's PnP API (https://yarnpkg.com/advanced/pnpapi) that Multiverse uses. */
export interface PnpApi {
  getDependencyTreeRoots(): PnpLocator[];
  getAllLocators(): PnpLocator[];
  getPackageInformation(locator: PnpLocator): PnpPackageInformation | null;
  findPackageLocator(location: string): PnpLocator | null;
  resolveToUnqualified(request: string, issuer: string | null, options?: { considerBuiltins?: boolean }): string | null;
  setup(): void;
}

const apis = new Map<string, { key: string; api: PnpApi }>();

/** The `.pnp.cjs` that governs `dir`: the nearest one at or above it, or `null`. */
function pnpFileFor(dir: string, cache: ResolverCache): string | null {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, '.pnp.cjs');
    if (cache.isFile(candidate)) return candidate;
    if (path.dirname(current) === current) return null;
  }
}

/**
 * The PnP API of the project whose `.pnp.cjs` is `file`, loaded once and again whenever the file
 * changes (every `yarn install` rewrites it). Loading it only reads the map; it patches nothing.
 */
export function loadPnpApi(file: string): PnpApi {
  const stat = statSync(file);
  const key = `${stat.mtimeMs}:${stat.size}`;
  const known = apis.get(file);
  if (known?.key === key) return known.api;
  const require = Module.createRequire(file);
  Reflect.deleteProperty(require.cache, file);
  const api = require(file) as PnpApi;
  apis.set(file, { key, api });
  return api;
}

/**
 * The folder of package `name` for an import from `ctx.fromFile`, as Yarn's Plug'n'Play decides it
 * at run time, when a `.pnp.cjs` governs the importing file; `undefined` when none does (or the
 * lookup is bounded to a namespace tree, which arborist lays out in node_modules), so Node's
 * node_modules lookup applies. A dependency the importing package does not declare is refused with
 * Yarn's own explanation, as the program would be.
 *
 * The files of a PnP project mostly sit in zip archives: the first resolution through PnP sets up
 * Yarn's runtime in this process (`setup()`, as Yarn's editor SDKs do), which lets `fs` read them.
 */
export function pnpPackageDir(ctx: ResolveContext, name: string): string | undefined {
  if (ctx.boundary !== null) return undefined;
  const file = pnpFileFor(path.dirname(ctx.fromFile), ctx.cache);
  if (file === null) return undefined;
  const api = loadPnpApi(file);
  if (api.findPackageLocator(ctx.fromFile) === null) return undefined;
  enableZipAccess(api);
  let dir: string | null;
  try {
    dir = api.resolveToUnqualified(name, ctx.fromFile, { considerBuiltins: false });
  } catch (error) {
    throw new ResolveError('MODULE_NOT_FOUND', ctx, `Yarn Plug'n'Play (${file}) refuses it: ${(error as Error).message.split('\n')[0]}`);
  }
  if (dir === null) return undefined;
  return dir.endsWith(path.sep) ? dir.slice(0, -1) : dir;
}

function enableZipAccess(api: PnpApi): void {
  if (process.versions.pnp === undefined) api.setup();
}
