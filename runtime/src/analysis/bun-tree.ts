import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { InputError } from '../errors';
import { graphFromLocations, type LockEntry } from './lockfile-tree';
import type { TreeGraph } from './types';

/** What bun.lock says about one package: `[ "name@version", resolved, info, integrity ]`. */
type BunPackage = [ident: string, resolved?: string, info?: BunInfo, integrity?: string];

interface BunInfo {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalPeers?: string[];
}

interface BunLock {
  workspaces?: Record<string, BunInfo & { name?: string; version?: string; devDependencies?: Record<string, string> }>;
  packages?: Record<string, BunPackage>;
}

/**
 * The main tree of a Bun project from `bun.lock` (Bun's text lockfile), or `null` without one or
 * when Bun's isolated linker laid the tree out (`node_modules/.bun`), which the lockfile's keys do
 * not describe. A key names where a copy sits in Bun's hoisted layout (`a/b` is
 * `node_modules/a/node_modules/b`), so the graph is built the way npm's tree is: each dependency
 * resolves by Node's lookup from its dependent's folder, and is judged against the range the
 * dependent declares (Bun installs peers, as npm does). Workspace packages are links to their folders.
 */
export async function loadBunTree(root: string, manifest: Record<string, unknown>): Promise<TreeGraph | null> {
  const file = path.join(root, 'bun.lock');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null || existsSync(path.join(root, 'node_modules', '.bun'))) return null;
  const lock = parseBunLock(text, file);
  const packages: Record<string, LockEntry> = {};
  for (const [folder, workspace] of Object.entries(lock.workspaces ?? {})) {
    if (folder === '') continue;
    packages[folder] = { name: workspace.name, version: workspace.version, ...dependenciesOf(workspace) };
  }
  // Parents first, so that a copy under a linked workspace lands in the workspace's own folder.
  const keys = Object.keys(lock.packages ?? {}).sort((a, b) => a.split('/').length - b.split('/').length);
  const locations = new Map<string, string>();
  for (const key of keys) {
    const [ident, resolved, info] = lock.packages?.[key] ?? [''];
    const names = packageNames(key);
    const parentKey = key.slice(0, Math.max(0, key.length - (names[names.length - 1]?.length ?? 0) - 1));
    const parent = parentKey === '' ? '' : (locations.get(parentKey) ?? parentKey);
    const location = `${parent === '' ? '' : `${parent}/`}node_modules/${names[names.length - 1] ?? key}`;
    const { name, version } = splitIdent(ident);
    if (version.startsWith('workspace:')) {
      const target = version.slice('workspace:'.length);
      locations.set(key, target);
      packages[location] = { name, link: true, resolved: target };
      continue;
    }
    locations.set(key, location);
    packages[location] = { name, version, resolved, ...dependenciesOf(info ?? {}) };
  }
  const graph = await graphFromLocations(root, null, manifest, packages, { installLinks: false, manager: 'bun' });
  return existsSync(path.join(root, 'node_modules')) ? graph : { ...graph, source: 'virtual' };
}

function parseBunLock(text: string, file: string): BunLock {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first) {
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    throw new InputError('EBUNLOCKPARSE', `${file}:${line}:${first.offset - before.lastIndexOf('\n')}: ${printParseErrorCode(first.error)}. Run "bun install" to write the lockfile again.`);
  }
  return typeof value === 'object' && value !== null ? (value as BunLock) : {};
}

/** `a/@s/b/c` → `['a', '@s/b', 'c']`: the package names along a bun.lock key. */
function packageNames(key: string): string[] {
  const parts = key.split('/');
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) names.push(parts[i]?.startsWith('@') ? `${parts[i]}/${parts[++i] ?? ''}` : (parts[i] ?? ''));
  return names;
}

/** `@s/name@1.0.0` → `{ name: '@s/name', version: '1.0.0' }`. */
function splitIdent(ident: string): { name: string; version: string } {
  const at = ident.indexOf('@', 1);
  return at === -1 ? { name: ident, version: '' } : { name: ident.slice(0, at), version: ident.slice(at + 1) };
}

function dependenciesOf(info: BunInfo): Pick<LockEntry, 'dependencies' | 'optionalDependencies' | 'peerDependencies' | 'peerDependenciesMeta'> {
  const peerDependenciesMeta = Object.fromEntries((info.optionalPeers ?? []).map((name) => [name, { optional: true }]));
  return { dependencies: info.dependencies, optionalDependencies: info.optionalDependencies, peerDependencies: info.peerDependencies, peerDependenciesMeta };
}
