import * as path from 'node:path';
import { type ResolveContext, ResolveError } from './context';

/**
 * The `exports`/`imports` algorithms of Node's ESM resolution spec
 * (PACKAGE_EXPORTS_RESOLVE, PACKAGE_IMPORTS_RESOLVE, PACKAGE_TARGET_RESOLVE), shared by both loaders:
 * CommonJS `require` runs the very same algorithm with the `require` condition set.
 *
 * `bareTarget` resolves an `imports` target that names another package (`"#dep": "dep"`), which
 * Node does with the ESM package resolver in both loaders.
 */
export type BareTargetResolver = (specifier: string, packageDir: string) => string;

/** Resolves `subpath` ("." or "./x") of the package in `packageDir` through its `exports`. */
export function resolvePackageExports(ctx: ResolveContext, packageDir: string, subpath: string, exports: unknown): string {
  assertConsistentKeys(ctx, packageDir, exports);
  if (subpath === '.') {
    const main = typeof exports === 'string' || Array.isArray(exports) || !hasDotKeys(exports) ? exports : (exports as Record<string, unknown>)['.'];
    if (main !== undefined) {
      const resolved = resolveTarget(ctx, packageDir, main, null, false, null);
      if (resolved !== null && resolved !== undefined) return resolved;
    }
  } else if (isObject(exports) && hasDotKeys(exports)) {
    const resolved = resolveMatch(ctx, subpath, exports, packageDir, false, null);
    if (resolved !== null && resolved !== undefined) return resolved;
  }
  const what = subpath === '.' ? 'No "exports" main defined' : `Package subpath '${subpath}' is not defined by "exports"`;
  throw new ResolveError('ERR_PACKAGE_PATH_NOT_EXPORTED', ctx, `${what} in ${path.join(packageDir, 'package.json')}.`);
}

/** Resolves a `#name` specifier through the `imports` of the package scope of the importing file. */
export function resolvePackageImports(ctx: ResolveContext, bareTarget: BareTargetResolver): string {
  const { specifier } = ctx;
  // "#/x" is valid where Node allows the "#/" prefix; "#", "#/" and a trailing "/" never are.
  if (specifier === '#' || specifier === '#/' || specifier.endsWith('/') || (specifier.startsWith('#/') && !ctx.node.slashImports)) {
    const why = specifier.startsWith('#/') && specifier !== '#/' && !specifier.endsWith('/') ? ` on Node ${ctx.node.version} ("#/" prefixes are valid from Node 24.14)` : '';
    throw new ResolveError('ERR_INVALID_MODULE_SPECIFIER', ctx, `is not a valid internal imports specifier name${why}.`);
  }
  const scope = ctx.cache.packageScope(ctx.fromFile);
  if (scope !== null && isObject(scope.json.imports)) {
    const resolved = resolveMatch(ctx, specifier, scope.json.imports, scope.dir, true, bareTarget);
    if (resolved !== null && resolved !== undefined) return resolved;
  }
  const where = scope === null ? 'no package.json encloses the importing file' : `not defined in the "imports" of ${path.join(scope.dir, 'package.json')}`;
  throw new ResolveError('ERR_PACKAGE_IMPORT_NOT_DEFINED', ctx, `Package import specifier ${JSON.stringify(specifier)} is ${where}.`);
}

/** Node refuses an `exports` object mixing subpath keys (".", "./x") with condition keys. */
function assertConsistentKeys(ctx: ResolveContext, packageDir: string, exports: unknown): void {
  if (!isObject(exports)) return;
  const keys = Object.keys(exports);
  const dots = keys.filter((k) => k.startsWith('.')).length;
  if (dots !== 0 && dots !== keys.length) {
    throw new ResolveError(
      'ERR_INVALID_PACKAGE_CONFIG',
      ctx,
      `"exports" in ${path.join(packageDir, 'package.json')} mixes keys that start with "." and keys that do not; use one kind.`,
    );
  }
}

function resolveMatch(
  ctx: ResolveContext,
  matchKey: string,
  matchObj: Record<string, unknown>,
  packageDir: string,
  isImports: boolean,
  bareTarget: BareTargetResolver | null,
): string | null | undefined {
  if (Object.hasOwn(matchObj, matchKey) && !matchKey.includes('*')) {
    return resolveTarget(ctx, packageDir, matchObj[matchKey], null, isImports, bareTarget);
  }
  const expansionKeys = Object.keys(matchObj)
    .filter((k) => k.indexOf('*') !== -1 && k.indexOf('*') === k.lastIndexOf('*'))
    .sort(patternKeyCompare);
  for (const key of expansionKeys) {
    const star = key.indexOf('*');
    const base = key.slice(0, star);
    if (!matchKey.startsWith(base) || matchKey === base) continue;
    const trailer = key.slice(star + 1);
    if (trailer.length === 0 || (matchKey.endsWith(trailer) && matchKey.length >= key.length)) {
      const match = matchKey.slice(base.length, matchKey.length - trailer.length);
      return resolveTarget(ctx, packageDir, matchObj[key], match, isImports, bareTarget);
    }
  }
  return null;
}

function patternKeyCompare(a: string, b: string): number {
  const baseA = a.indexOf('*') + 1;
  const baseB = b.indexOf('*') + 1;
  if (baseA > baseB) return -1;
  if (baseB > baseA) return 1;
  if (baseA === 0) return 1;
  if (baseB === 0) return -1;
  if (a.length > b.length) return -1;
  if (b.length > a.length) return 1;
  return 0;
}

const INVALID_SEGMENT = /(^|\\|\/)((\.|%2e)(\.|%2e)?|(n|%6e|%4e)(o|%6f|%4f)(d|%64|%44)(e|%65|%45)(_|%5f)(m|%6d|%4d)(o|%6f|%4f)(d|%64|%44)(u|%75|%55)(l|%6c|%4c)(e|%65|%45)(s|%73|%53))?(\\|\/|$)/i;

function resolveTarget(
  ctx: ResolveContext,
  packageDir: string,
  target: unknown,
  patternMatch: string | null,
  isImports: boolean,
  bareTarget: BareTargetResolver | null,
): string | null | undefined {
  if (typeof target === 'string') return resolveStringTarget(ctx, packageDir, target, patternMatch, isImports, bareTarget);
  if (Array.isArray(target)) {
    if (target.length === 0) return null;
    let lastError: unknown = null;
    for (const candidate of target) {
      let resolved: string | null | undefined;
      try {
        resolved = resolveTarget(ctx, packageDir, candidate, patternMatch, isImports, bareTarget);
      } catch (error) {
        if ((error as ResolveError).code !== 'ERR_INVALID_PACKAGE_TARGET') throw error;
        lastError = error;
        continue;
      }
      if (resolved === undefined) continue;
      if (resolved === null) {
        lastError = null;
        continue;
      }
      return resolved;
    }
    if (lastError !== null) throw lastError;
    return null;
  }
  if (isObject(target)) {
    for (const key of Object.keys(target)) {
      if (/^\d+$/.test(key)) {
        throw new ResolveError(
          'ERR_INVALID_PACKAGE_CONFIG',
          ctx,
          `"exports"/"imports" in ${path.join(packageDir, 'package.json')} use a numeric key ${JSON.stringify(key)} as a condition.`,
        );
      }
    }
    for (const key of Object.keys(target)) {
      if (key !== 'default' && !ctx.conditions.has(key)) continue;
      const resolved = resolveTarget(ctx, packageDir, target[key], patternMatch, isImports, bareTarget);
      if (resolved === undefined) continue;
      return resolved;
    }
    return undefined;
  }
  if (target === null) return null;
  throw invalidTarget(ctx, packageDir, target);
}

function resolveStringTarget(
  ctx: ResolveContext,
  packageDir: string,
  target: string,
  patternMatch: string | null,
  isImports: boolean,
  bareTarget: BareTargetResolver | null,
): string {
  if (!target.startsWith('./')) {
    if (!isImports || target.startsWith('../') || target.startsWith('/') || isUrl(target) || bareTarget === null) {
      throw invalidTarget(ctx, packageDir, target);
    }
    const specifier = patternMatch === null ? target : target.replaceAll('*', patternMatch);
    return bareTarget(specifier, packageDir);
  }
  if (INVALID_SEGMENT.test(target.slice(2))) throw invalidTarget(ctx, packageDir, target);
  const resolved = path.join(packageDir, target);
  if (patternMatch === null) return resolved;
  if (INVALID_SEGMENT.test(patternMatch)) {
    throw new ResolveError('ERR_INVALID_MODULE_SPECIFIER', ctx, `the part matched by "*" (${JSON.stringify(patternMatch)}) contains an invalid path segment.`);
  }
  return path.join(packageDir, target.replaceAll('*', patternMatch));
}

function invalidTarget(ctx: ResolveContext, packageDir: string, target: unknown): ResolveError {
  return new ResolveError(
    'ERR_INVALID_PACKAGE_TARGET',
    ctx,
    `Invalid target ${JSON.stringify(target)} in ${path.join(packageDir, 'package.json')}; targets must start with "./".`,
  );
}

function isUrl(value: string): boolean {
  return URL.canParse(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasDotKeys(exports: unknown): boolean {
  return isObject(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
}
