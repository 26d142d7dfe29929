import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ResolveContext, ResolveError } from './context';
import { resolvePackageExports, resolvePackageImports } from './exports-map';
import { isSet } from './fs-cache';
import { lookupPaths } from './lookup-paths';
import { parsePackageName } from './package-name';
import { pnpPackageDir } from './pnp';

/**
 * Node's ESM resolution (the spec's ESM_RESOLVE) for everything but built-ins: no extension
 * probing and no directory indexes for relative specifiers, `exports` with the import conditions,
 * the legacy `main` lookup for packages without `exports`, real paths at the end.
 */
export function resolveEsm(ctx: ResolveContext): string {
  const { specifier } = ctx;
  let resolved: string;
  if (isRelativeOrAbsolute(specifier)) {
    resolved = fileURLToPath(new URL(specifier, pathToFileURL(ctx.fromFile)));
  } else if (specifier.startsWith('#')) {
    resolved = resolvePackageImports(ctx, (target, packageDir) => packageResolve(ctx, target, path.join(packageDir, 'package.json')));
  } else if (URL.canParse(specifier)) {
    const url = new URL(specifier);
    if (url.protocol !== 'file:') {
      throw new ResolveError('ERR_UNSUPPORTED_ESM_URL_SCHEME', ctx, `only file: URLs name files on disk; ${url.protocol} URLs have no path to report.`);
    }
    resolved = fileURLToPath(url);
  } else {
    resolved = packageResolve(ctx, specifier, ctx.fromFile);
  }
  return finalize(ctx, resolved);
}

function isRelativeOrAbsolute(specifier: string): boolean {
  return specifier.startsWith('/') || specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/** PACKAGE_RESOLVE: self-reference first, then `node_modules` folders from the importing file up. */
export function packageResolve(ctx: ResolveContext, specifier: string, fromFile: string): string {
  const { name, subpath } = parsePackageName(ctx, specifier);
  const scope = ctx.cache.packageScope(fromFile);
  if (scope !== null && isSet(scope.json.exports) && scope.json.name === name) {
    return resolvePackageExports(ctx, scope.dir, subpath, scope.json.exports);
  }
  const pnp = pnpPackageDir({ ...ctx, fromFile }, name);
  if (pnp !== undefined) return resolveInPackage(ctx, pnp, subpath);
  for (const modulesDir of lookupPaths(ctx, path.dirname(fromFile), false)) {
    const packageDir = path.join(modulesDir, name);
    if (ctx.cache.isDirectory(packageDir)) return resolveInPackage(ctx, packageDir, subpath);
  }
  throw new ResolveError('MODULE_NOT_FOUND', ctx, `Cannot find package '${name}'${searched(ctx)}.`);
}

/** `subpath` of the package found in `packageDir`: through its `exports`, else its `main` or the file named. */
function resolveInPackage(ctx: ResolveContext, packageDir: string, subpath: string): string {
  const json = ctx.cache.packageJson(packageDir);
  if (json !== null && isSet(json.exports)) return resolvePackageExports(ctx, packageDir, subpath, json.exports);
  if (subpath === '.') return legacyMainResolve(ctx, packageDir, json?.main);
  return fileURLToPath(new URL(subpath, pathToFileURL(path.join(packageDir, 'package.json'))));
}

const MAIN_SUFFIXES = ['', '.js', '.json', '.node', '/index.js', '/index.json', '/index.node'];
const INDEX_FILES = ['index.js', 'index.json', 'index.node'];

/** How ESM finds the entry of a package without `exports`: `main` with a few guesses, then index. */
function legacyMainResolve(ctx: ResolveContext, packageDir: string, main: unknown): string {
  const base = pathToFileURL(path.join(packageDir, 'package.json'));
  if (typeof main === 'string') {
    for (const suffix of MAIN_SUFFIXES) {
      const candidate = fileURLToPath(new URL(`./${main}${suffix}`, base));
      if (ctx.cache.isFile(candidate)) return candidate;
    }
  }
  for (const index of INDEX_FILES) {
    const candidate = path.join(packageDir, index);
    if (ctx.cache.isFile(candidate)) return candidate;
  }
  throw new ResolveError('MODULE_NOT_FOUND', ctx, `Cannot find the entry of the package in ${packageDir}: no valid "main" and no index.js.`);
}

function finalize(ctx: ResolveContext, resolved: string): string {
  if (ctx.cache.isDirectory(resolved)) {
    throw new ResolveError('ERR_UNSUPPORTED_DIR_IMPORT', ctx, `${resolved} is a directory; ES modules must import a file (name it, e.g. "${path.join(resolved, 'index.js')}").`);
  }
  if (!ctx.cache.isFile(resolved)) throw new ResolveError('MODULE_NOT_FOUND', ctx, `Cannot find module ${resolved}.`);
  return ctx.cache.realpath(resolved);
}

function searched(ctx: ResolveContext): string {
  return ctx.boundary === null ? '' : ` in ${path.join(ctx.boundary, 'node_modules')}`;
}
