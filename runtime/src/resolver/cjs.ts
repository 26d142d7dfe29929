import * as path from 'node:path';
import { type ResolveContext, ResolveError } from './context';
import { packageResolve } from './esm';
import { resolvePackageExports, resolvePackageImports } from './exports-map';
import { isSet } from './fs-cache';
import { lookupPaths } from './lookup-paths';
import { pnpPackageDir } from './pnp';

const EXTENSIONS = ['.js', '.json', '.node'];
const EXPORTS_PATTERN = /^((?:@[^/\\%]+\/)?[^./\\%][^/\\%]*)(\/.*)?$/;

/**
 * Node's CommonJS resolution (Module._resolveFilename and _findPath) for everything but built-ins:
 * `#imports`, self-reference, then each lookup folder with `exports`, the file as named, with
 * `.js`/`.json`/`.node`, and as a directory (`main`, then `index`), real paths at the end.
 */
export function resolveCommonJs(ctx: ResolveContext): string {
  const { specifier, fromFile, cache } = ctx;
  if (specifier.startsWith('#')) {
    const scope = cache.packageScope(fromFile);
    if (scope !== null && isSet(scope.json.imports)) {
      return finalizeMapped(ctx, resolvePackageImports(ctx, (target, packageDir) => packageResolve(ctx, target, path.join(packageDir, 'package.json'))));
    }
  }
  const relative = isRelative(specifier);
  const absolute = path.isAbsolute(specifier);
  if (!relative && !absolute) {
    const self = resolveSelf(ctx);
    if (self !== null) return self;
    const pnp = resolveThroughPnp(ctx);
    if (pnp !== undefined) return pnp;
  }
  const paths = absolute ? [''] : relative ? [path.dirname(fromFile)] : lookupPaths(ctx, path.dirname(fromFile), true);
  const found = findPath(ctx, paths, !relative && !absolute);
  if (found !== null) return found;
  const where = relative || absolute ? '' : ` (searched ${paths.join(', ')})`;
  throw new ResolveError('MODULE_NOT_FOUND', ctx, `Cannot find module '${specifier}'${where}.`);
}

/** Node treats ".", "..", "./x" and "../x" as relative; ".x" is a package name. */
function isRelative(specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  return specifier.length === 1 || specifier[1] === '/' || (specifier[1] === '.' && (specifier.length === 2 || specifier[2] === '/'));
}

function resolveSelf(ctx: ResolveContext): string | null {
  const scope = ctx.cache.packageScope(ctx.fromFile);
  if (scope === null || !isSet(scope.json.exports) || typeof scope.json.name !== 'string') return null;
  const name = scope.json.name;
  let subpath: string;
  if (ctx.specifier === name) subpath = '.';
  else if (ctx.specifier.startsWith(`${name}/`)) subpath = `.${ctx.specifier.slice(name.length)}`;
  else return null;
  return finalizeMapped(ctx, resolvePackageExports(ctx, scope.dir, subpath, scope.json.exports));
}

/**
 * A bare specifier in a Plug'n'Play project: Yarn names the package's folder, and the rest is what
 * Node does in a package folder (its `exports`, else the file or directory named). `undefined`
 * when no `.pnp.cjs` governs the importing file.
 */
function resolveThroughPnp(ctx: ResolveContext): string | undefined {
  const match = EXPORTS_PATTERN.exec(ctx.specifier);
  if (match === null || match[1] === undefined) return undefined;
  const packageDir = pnpPackageDir(ctx, match[1]);
  if (packageDir === undefined) return undefined;
  const subpath = `.${match[2] ?? ''}`;
  const json = ctx.cache.packageJson(packageDir);
  if (json !== null && isSet(json.exports)) return finalizeMapped(ctx, resolvePackageExports(ctx, packageDir, subpath, json.exports));
  const found = findPath({ ...ctx, specifier: subpath }, [packageDir], false);
  if (found !== null) return found;
  throw new ResolveError('MODULE_NOT_FOUND', ctx, `Cannot find module '${ctx.specifier}' in ${packageDir}, where Yarn Plug'n'Play places the package.`);
}

function findPath(ctx: ResolveContext, paths: string[], bare: boolean): string | null {
  const { specifier, cache } = ctx;
  const trailingSlash =
    specifier.endsWith('/') || specifier === '.' || specifier === '..' || specifier.endsWith('/.') || specifier.endsWith('/..');
  for (const dir of paths) {
    if (dir !== '' && !cache.isDirectory(dir)) continue;
    if (bare) {
      const exported = resolveExports(ctx, dir);
      if (exported !== null) return exported;
    }
    const base = path.resolve(dir, specifier);
    let filename: string | null = null;
    if (!trailingSlash) filename = tryFile(ctx, base) ?? tryExtensions(ctx, base);
    if (filename === null && cache.isDirectory(base)) filename = tryPackage(ctx, base);
    if (filename !== null) return filename;
  }
  return null;
}

/** A package with `exports` in this `node_modules` folder answers through its map, or fails. */
function resolveExports(ctx: ResolveContext, modulesDir: string): string | null {
  const match = EXPORTS_PATTERN.exec(ctx.specifier);
  if (match === null || match[1] === undefined) return null;
  const packageDir = path.resolve(modulesDir, match[1]);
  const json = ctx.cache.packageJson(packageDir);
  if (json === null || !isSet(json.exports)) return null;
  return finalizeMapped(ctx, resolvePackageExports(ctx, packageDir, `.${match[2] ?? ''}`, json.exports));
}

function tryPackage(ctx: ResolveContext, dir: string): string | null {
  const main = ctx.cache.packageJson(dir)?.main;
  if (typeof main !== 'string' || main === '') return tryExtensions(ctx, path.resolve(dir, 'index'));
  const filename = path.resolve(dir, main);
  const found = tryFile(ctx, filename) ?? tryExtensions(ctx, filename) ?? tryExtensions(ctx, path.resolve(filename, 'index'));
  if (found !== null) return found;
  const index = tryExtensions(ctx, path.resolve(dir, 'index'));
  if (index !== null) return index;
  throw new ResolveError(
    'MODULE_NOT_FOUND',
    ctx,
    `Cannot find module '${filename}'. Please verify that ${path.join(dir, 'package.json')} has a valid "main" entry.`,
  );
}

function tryFile(ctx: ResolveContext, file: string): string | null {
  return ctx.cache.isFile(file) ? ctx.cache.realpath(file) : null;
}

function tryExtensions(ctx: ResolveContext, base: string): string | null {
  for (const extension of EXTENSIONS) {
    const found = tryFile(ctx, base + extension);
    if (found !== null) return found;
  }
  return null;
}

/** A target from an `exports`/`imports` map must exist as named: no extensions are tried. */
function finalizeMapped(ctx: ResolveContext, resolved: string): string {
  if (/%2f|%5c/i.test(resolved)) {
    throw new ResolveError('ERR_INVALID_MODULE_SPECIFIER', ctx, `${resolved} must not include an encoded "/" or "\\".`);
  }
  const found = tryFile(ctx, resolved);
  if (found !== null) return found;
  throw new ResolveError('MODULE_NOT_FOUND', ctx, `Cannot find module '${resolved}' (the target of an "exports" or "imports" map).`);
}
