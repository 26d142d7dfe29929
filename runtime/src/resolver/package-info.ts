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
  let memo = memos.get(cache);
  if (memo === undefined) {
    memo = new Map();
    memos.set(cache, memo);
  }
  return infoOfDirectory(path.dirname(file), cache, memo);
}

const NONE: PackageInfo = { packageName: null, version: null, packageRoot: null };
// Answers per directory, for as long as the cache lives: every file of a package asks the same.
const memos = new WeakMap<ResolverCache, Map<string, PackageInfo>>();

function infoOfDirectory(dir: string, cache: ResolverCache, memo: Map<string, PackageInfo>): PackageInfo {
  let info = memo.get(dir);
  if (info === undefined) {
    const json = path.basename(dir) === 'node_modules' ? null : cache.packageJson(dir);
    const parent = path.dirname(dir);
    if (json !== null && typeof json.name === 'string') {
      info = { packageName: json.name, version: typeof json.version === 'string' ? json.version : null, packageRoot: dir };
    } else if (path.basename(dir) === 'node_modules' || parent === dir) {
      info = NONE;
    } else {
      info = infoOfDirectory(parent, cache, memo);
    }
    memo.set(dir, info);
  }
  return info;
}
