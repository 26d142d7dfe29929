import Module from 'node:module';
import * as path from 'node:path';
import type { ResolveContext } from './context';

// Node's own list of `node_modules` directories to search from a folder: a pure function of the path.
const nodeModulePaths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths;
const globalPaths = (Module as unknown as { globalPaths: string[] }).globalPaths;

/**
 * The `node_modules` directories a bare specifier is looked up in from `fromDir`, nearest first.
 * Without a boundary this is exactly Node's list (plus NODE_PATH and the global folders for
 * `require`). With one (a namespace root), the walk stops at the root and skips global folders, so a
 * namespace can never pick up a package from the app or the machine by accident; a file outside the
 * root (reached through a symlink) looks only in the root's `node_modules`.
 */
export function lookupPaths(ctx: ResolveContext, fromDir: string, includeGlobal: boolean): string[] {
  if (ctx.boundary !== null) return boundedLookupPaths(fromDir, ctx.boundary);
  const all = nodeModulePaths(fromDir);
  return includeGlobal ? [...all, ...globalPaths] : all;
}

/** The `node_modules` folders searched from `fromDir` when lookups stop at `boundary`. */
export function boundedLookupPaths(fromDir: string, boundary: string): string[] {
  const inside = nodeModulePaths(fromDir).filter((dir) => isInside(path.dirname(dir), boundary));
  return inside.length > 0 ? inside : [path.join(boundary, 'node_modules')];
}

function isInside(dir: string, root: string): boolean {
  return dir === root || dir.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
