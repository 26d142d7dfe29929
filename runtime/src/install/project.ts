import { mkdir, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { CONFIG_FILE, readConfig, type ProjectConfig } from '../config';
import { InputError, MultiverseError } from '../errors';
import { inputsHash, isInstalledTree, treeStatus, type TreeStatus } from './fingerprint';
import { cancelledError, isCancellation } from './install-error';
import { installedVersions, readMap, writeMap, type NamespaceMap, type NamespaceMapEntry } from './map';
import { readNpmConfig } from './npm-config';
import { orphanedNamespaces } from './orphans';
import type { ProgressEvent } from './progress';
import { withProjectLock } from './project-lock';
import { pruneStore } from './store';
import { defaultStore, stageTree, type StagedTree } from './tree';

export interface InstallProjectOptions {
  /** Namespaces to install; default all of multiverse.json's (which also removes trees of deleted namespaces). */
  namespaces?: string[];
  store?: string;
  force?: boolean;
  onProgress?: (namespace: string, event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface InstallProjectResult {
  config: ProjectConfig;
  /** The namespaces installed or checked, with whether their tree changed and what it provides. */
  namespaces: Record<string, { changed: boolean; dir: string; packages: Record<string, string> }>;
  /** Trees deleted because their namespace is no longer in multiverse.json. */
  removed: string[];
  map: NamespaceMap;
}

export type NamespaceState = 'installed' | 'stale' | 'missing';

/** Folder of a namespace's tree. */
export function namespaceDir(projectDir: string, namespace: string): string {
  return path.join(path.resolve(projectDir), '.multiverse', namespace);
}

/**
 * Installs every namespace of the project's multiverse.json (or the ones named), in parallel, then
 * writes `.multiverse/map.json`. All or nothing: the trees are staged first and swapped in only
 * when every one succeeded, so a failure leaves all trees and the map as they were.
 */
export async function installProject(projectDir: string, options: InstallProjectOptions = {}): Promise<InstallProjectResult> {
  const root = path.resolve(projectDir);
  const config = (await readConfig(root)) ?? (await orphansOnly(root));
  const declared = Object.keys(config.namespaces);
  const selected = options.namespaces && options.namespaces.length > 0 ? [...new Set(options.namespaces)] : declared;
  const unknown = selected.filter((n) => !(n in config.namespaces));
  if (unknown.length > 0) {
    throw new InputError('ENONAMESPACE', `${config.file} declares no namespace ${unknown.map((n) => `"${n}"`).join(', ')}; declared: ${declared.map((n) => `"${n}"`).join(', ') || 'none'}.`);
  }
  return withProjectLock(root, async () => {
    await mkdir(path.join(root, '.multiverse'), { recursive: true });
    const npmConfig = await readNpmConfig(root);
    const store = options.store ?? defaultStore(root);
    const settled = await Promise.allSettled(
      selected.map((name) =>
        stageTree({
          dir: namespaceDir(root, name),
          dependencies: config.namespaces[name]?.dependencies ?? {},
          projectDir: root,
          store,
          label: `namespace "${name}"`,
          force: options.force,
          npmConfig,
          signal: options.signal,
          onProgress: options.onProgress && ((event) => options.onProgress?.(name, event)),
        }),
      ),
    );
    const staged = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    // The last moment a cancellation can be honoured: once the first tree is swapped in, all are.
    if (failures.length > 0 || options.signal?.aborted) {
      await Promise.all(staged.map((s) => s.discard()));
      if (options.signal?.aborted) throw failures.find(isCancellation) ?? cancelledError(`namespaces ${selected.map((n) => `"${n}"`).join(', ')}`, 'staging their trees', options.signal.reason);
      throw combine(failures);
    }
    for (const tree of staged) await tree.commit();

    const removed = options.namespaces && options.namespaces.length > 0 ? [] : await removeUndeclaredTrees(root, config);
    if (staged.some((s) => s.changed) || removed.length > 0) await pruneStore(store);
    const map = await buildMap(root, config);
    await writeMap(root, map);
    const namespaces: InstallProjectResult['namespaces'] = {};
    selected.forEach((name, i) => {
      const tree = staged[i] as StagedTree;
      namespaces[name] = { changed: tree.changed, dir: tree.dir, packages: map.namespaces[name]?.packages ?? {} };
    });
    return { config, namespaces, removed, map };
  });
}

/**
 * The state of each namespace's tree: 'missing' (never installed), 'stale' (multiverse.json, the
 * registry or the tree's files changed since, or map.json does not describe it), or 'installed'.
 */
export async function namespaceStatus(projectDir: string, config: ProjectConfig): Promise<Record<string, NamespaceState>> {
  const statuses = await namespaceStatuses(projectDir, config);
  return Object.fromEntries(Object.entries(statuses).map(([name, status]) => [name, status.state]));
}

/** {@link namespaceStatus}, with the reason each stale namespace is stale (which input changed). */
export async function namespaceStatuses(projectDir: string, config: ProjectConfig): Promise<Record<string, TreeStatus>> {
  const root = path.resolve(projectDir);
  const npmConfig = await readNpmConfig(root);
  const map = await readMap(root);
  const status: Record<string, TreeStatus> = {};
  for (const [name, ns] of Object.entries(config.namespaces)) {
    const tree = await treeStatus(namespaceDir(root, name), await inputsHash(ns.dependencies, npmConfig.options, root));
    const entry = map?.namespaces[name];
    const mapped = entry !== undefined && sameList(entry.shared, ns.shared) && sameList(entry.scope, ns.scope);
    status[name] = tree.state === 'installed' && !mapped ? { state: 'stale', reason: entry === undefined ? '.multiverse/map.json has no entry for it' : 'its "shared" or "scope" changed since it was installed' } : tree;
  }
  return status;
}

/**
 * The config of a project without multiverse.json, which has no namespaces: installing it prunes the
 * trees left in .multiverse/. Without any, there is nothing to do, and the error says how to start.
 */
async function orphansOnly(root: string): Promise<ProjectConfig> {
  const file = path.join(root, CONFIG_FILE);
  if ((await orphanedNamespaces(root, null)).length === 0) {
    throw new InputError('ENOCONFIG', `${file} does not exist, so there are no namespaces to install. Create it, or run "multiverse isolate <package>" to move a dependency into a namespace.`);
  }
  return { file, namespaces: {}, extensions: {}, allowDuplicates: [] };
}

async function buildMap(root: string, config: ProjectConfig): Promise<NamespaceMap> {
  const map: NamespaceMap = { version: 1, namespaces: {} };
  for (const [name, ns] of Object.entries(config.namespaces)) {
    const dir = namespaceDir(root, name);
    if (!(await isInstalledTree(dir))) continue;
    const entry: NamespaceMapEntry = {
      root: path.relative(root, dir).split(path.sep).join('/'),
      packages: await installedVersions(dir, Object.keys(ns.dependencies)),
      shared: ns.shared,
      scope: ns.scope,
    };
    map.namespaces[name] = entry;
  }
  return map;
}

/** Deletes trees of namespaces removed from multiverse.json; only folders this installer made. */
async function removeUndeclaredTrees(root: string, config: ProjectConfig): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(path.join(root, '.multiverse'), { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name in config.namespaces) continue;
    const dir = path.join(root, '.multiverse', entry.name);
    if (await isInstalledTree(dir)) {
      await rm(dir, { recursive: true, force: true });
      removed.push(entry.name);
    }
  }
  return removed;
}

function combine(failures: unknown[]): unknown {
  if (failures.length === 1) return failures[0];
  const message = failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n');
  return failures.every((f) => f instanceof InputError)
    ? new InputError('EINSTALL', `${failures.length} namespaces failed to install; nothing was changed:\n${message}`)
    : new MultiverseError('EINSTALL', `${failures.length} namespaces failed to install; nothing was changed:\n${message}`);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
