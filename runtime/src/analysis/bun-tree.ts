import { existsSync } from 'node:fs';
import Module from 'node:module';
import { readdir, readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { InputError } from '../errors';
import { GraphBuilder, rangeSatisfied } from './graph-builder';
import { graphFromLocations, type LockEntry } from './lockfile-tree';
import { readManifest } from './manifest';
import type { EdgeType, PackageNode, TreeGraph } from './types';

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
 * The main tree of a Bun project, or `null` without `bun.lock` (Bun's text lockfile).
 *
 * Hoisted layout (Bun's default for single packages): a lockfile key names where a copy sits (`a/b`
 * is `node_modules/a/node_modules/b`), so the graph is built the way npm's tree is: each dependency
 * resolves by Node's lookup from its dependent's folder, and is judged against the range the
 * dependent declares (Bun installs peers, as npm does). Workspace packages are links to their folders.
 *
 * Isolated layout (`node_modules/.bun/<name>@<version>/node_modules/<name>`, Bun's default for
 * workspaces): see {@link isolatedGraph}.
 */
export async function loadBunTree(root: string, manifest: Record<string, unknown>): Promise<TreeGraph | null> {
  const file = path.join(root, 'bun.lock');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const lock = parseBunLock(text, file);
  if (existsSync(path.join(root, 'node_modules', '.bun'))) return isolatedGraph(root, manifest, lock);
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

// Node's own list of node_modules folders searched from a directory.
const nodeModulePaths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths;

/**
 * Bun's isolated layout: each package's folder in `node_modules/.bun` holds links to its
 * dependencies beside it, as pnpm's store does. The copies are the folders there, each read from
 * its package.json (what Bun installed from the lockfile); the project's packages are the root and
 * the workspaces `bun.lock` lists. Every dependency resolves as Node resolves it from the
 * dependent's folder (through those links), and is judged against the range the dependent declares.
 */
async function isolatedGraph(root: string, rootManifest: Record<string, unknown>, lock: BunLock): Promise<TreeGraph> {
  const builder = new GraphBuilder();
  const byPath = new Map<string, PackageNode>();
  const declared = new Map<PackageNode, [string, string, EdgeType][]>();
  const add = (dir: string, manifest: Record<string, unknown>, project: 'root' | 'workspace' | null): void => {
    const location = path.relative(root, dir).split(path.sep).join('/');
    const name = typeof manifest.name === 'string' ? manifest.name : path.basename(dir);
    const node = builder.addNode({
      name,
      installedAs: project === null ? name : path.basename(dir),
      version: typeof manifest.version === 'string' ? manifest.version : '',
      location,
      path: dir,
      isRoot: project === 'root',
      isWorkspace: project === 'workspace',
      dev: false,
      optional: false,
      peer: false,
    });
    byPath.set(dir, node);
    declared.set(node, declaredBy(manifest, project !== null));
  };
  add(root, rootManifest, 'root');
  for (const folder of Object.keys(lock.workspaces ?? {})) {
    if (folder === '') continue;
    const dir = path.join(root, folder);
    add(dir, (await readManifest(path.join(dir, 'package.json'))) ?? {}, 'workspace');
  }
  const store = path.join(root, 'node_modules', '.bun');
  for (const entry of await readdir(store, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules') continue;
    const modules = path.join(store, entry.name, 'node_modules');
    for (const dir of await packageFolders(modules)) {
      const manifest = await readManifest(path.join(dir, 'package.json'));
      if (manifest) add(dir, manifest, null);
    }
  }
  const real = new Map<string, string | null>();
  const resolveFrom = async (from: string, name: string): Promise<PackageNode | null> => {
    for (const modules of nodeModulePaths(from)) {
      const candidate = path.join(modules, name);
      let target = real.get(candidate);
      if (target === undefined) {
        target = await realpath(candidate).catch(() => null);
        real.set(candidate, target);
      }
      if (target !== null) return byPath.get(target) ?? null;
    }
    return null;
  };
  for (const [node, dependencies] of declared) {
    for (const [name, spec, type] of dependencies) {
      const to = await resolveFrom(node.path, name);
      const optional = type === 'optional' || type === 'peerOptional';
      builder.addEdge(node, name, spec, type, to, to === null ? (optional ? null : 'MISSING') : rangeSatisfied(to.version, spec) ? null : 'INVALID');
    }
  }
  return builder.graph(null, root, 'actual', 'bun');
}

/** The real package folders (not links) in a node_modules folder, scoped ones included. */
async function packageFolders(modules: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(modules, { withFileTypes: true }).catch(() => [])) {
    const dir = path.join(modules, entry.name);
    if (entry.name.startsWith('@') && entry.isDirectory()) found.push(...(await packageFolders(dir)));
    else if (entry.isDirectory()) found.push(dir);
  }
  return found;
}

/** Declared dependencies in arborist's order of precedence (peer, prod, optional, then dev for project packages). */
function declaredBy(manifest: Record<string, unknown>, project: boolean): [string, string, EdgeType][] {
  const field = (name: string): Record<string, unknown> => {
    const value = manifest[name];
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  };
  const meta = field('peerDependenciesMeta') as Record<string, { optional?: unknown }>;
  const declared = new Map<string, [string, string, EdgeType]>();
  const fields: [string, EdgeType][] = [['peerDependencies', 'peer'], ['dependencies', 'prod'], ['optionalDependencies', 'optional'], ...(project ? [['devDependencies', 'dev'] as [string, EdgeType]] : [])];
  for (const [name, type] of fields) {
    for (const [dep, spec] of Object.entries(field(name))) {
      if (typeof spec === 'string') declared.set(dep, [dep, spec, type === 'peer' && meta[dep]?.optional === true ? 'peerOptional' : type]);
    }
  }
  return [...declared.values()];
}
