import * as path from 'node:path';
import type { ResolverCache } from './fs-cache';

export interface PackageInfo {
  packageName: string | null;
  version: string | null;
  packageRoot: string | null;
}

/**
 * The package a resolved file belongs to: the nearest package.json above it that has a `name`
 * (nested package.json files such as `dist/esm/package.json` with only a `type` do not count),
 * never looking past the `node_modules` folder the package sits in.
 */
export function packageInfo(file: string, cache: ResolverCache): PackageInfo {
  let dir = path.dirname(file);
  for (;;) {
    if (path.basename(dir) === 'node_modules') break;
    const json = cache.packageJson(dir);
    if (json !== null && typeof json.name === 'string') {
      return { packageName: json.name, version: typeof json.version === 'string' ? json.version : null, packageRoot: dir };
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { packageName: null, version: null, packageRoot: null };
}
