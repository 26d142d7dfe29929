import { readdir, readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import type * as DependencyPath from '@pnpm/dependency-path';
import type { LockfileObject, PackageSnapshot, ProjectSnapshot } from '@pnpm/lockfile.fs';
import { InputError } from '../errors';
import { parseYaml } from '../package-manager';
import { GraphBuilder, rangeSatisfied } from './graph-builder';
import { readManifest } from './manifest';
import { PeerRules } from './pnpm-peer-rules';
import type { EdgeProblem, EdgeType, PackageNode, TreeGraph, TreeSource } from './types';

/** What the last `pnpm install` recorded in node_modules/.modules.yaml that the graph depends on. */
interface ModulesManifest {
  nodeLinker?: string;
  virtualStoreDir?: string;
  virtualStoreDirMaxLength?: number;
  included?: { dependencies?: boolean; devDependencies?: boolean; optionalDependencies?: boolean };
}

/** pnpm's default for `virtual-store-dir-max-length` on POSIX systems before it was recorded. */
const DEFAULT_MAX_LENGTH = 120;

/**
 * The main tree of a pnpm project as pnpm sees it, or `null` when pnpm's own records are not there
 * or describe the `hoisted` layout (which arborist reads like npm's).
 *
 * The packages and their dependencies come from pnpm's lockfiles, read with pnpm's own reader: the
 * current lockfile (`node_modules/.pnpm/lock.yaml`, what is installed) when node_modules exists,
 * else `pnpm-lock.yaml` (what an install would make). A package's dependencies there are only its
 * production and optional ones, and its peers as pnpm resolved them, which is pnpm's graph: dev
 * dependencies of dependencies are not part of it. Each copy lives in
 * `node_modules/.pnpm/<dir>/node_modules/<name>`, named as pnpm names it. The importers' (root and
 * workspaces) package.json files are read live, so an edit shows before the next install.
 */
export async function loadPnpmTree(root: string, manifest: Record<string, unknown>): Promise<TreeGraph | null> {
  const { readCurrentLockfile, readWantedLockfile } = await import('@pnpm/lockfile.fs');
  const modules = await readModules(root);
  if (modules?.nodeLinker === 'hoisted') return null;
  const storeDir = path.resolve(root, 'node_modules', modules?.virtualStoreDir ?? '.pnpm');
  let lockfile: LockfileObject | null = null;
  let source: TreeSource = 'actual';
  if (modules) lockfile = await readLockfile(path.join(storeDir, 'lock.yaml'), () => readCurrentLockfile(storeDir, { ignoreIncompatible: true }));
  if (!lockfile) {
    lockfile = await readLockfile(path.join(root, 'pnpm-lock.yaml'), () => readWantedLockfile(root, { ignoreIncompatible: true }));
    source = 'virtual';
  }
  if (!lockfile) return null;
  const installed = source === 'actual' ? new Set(await readdir(storeDir).catch(() => [])) : null;
  const realStore = installed ? await realpath(storeDir).catch(() => storeDir) : storeDir;
  const builder = new GraphBuilder();
  const rules = await PeerRules.load(root, manifest);
  return new PnpmGraph(root, lockfile, builder, { source, installed, realStore, maxLength: modules?.virtualStoreDirMaxLength ?? DEFAULT_MAX_LENGTH, included: modules?.included, rules }).build(manifest);
}

/** pnpm's reader, with a lockfile it cannot read (a merge conflict, a hand edit) as an input error naming the file. */
async function readLockfile(file: string, read: () => Promise<LockfileObject | null>): Promise<LockfileObject | null> {
  try {
    return await read();
  } catch (error) {
    const detail = ((error as Error).message.split('\n')[0] ?? '').replace(/\.?$/, '.');
    throw new InputError('EPNPMLOCKFILE', `${detail.includes(file) ? detail : `${file}: ${detail}`} Run pnpm install to write it again.`, { cause: error });
  }
}

async function readModules(root: string): Promise<ModulesManifest | null> {
  const file = path.join(root, 'node_modules', '.modules.yaml');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  // pnpm 9 and later write it as JSON, which YAML includes; older ones wrote YAML.
  try {
    return JSON.parse(text) as ModulesManifest;
  } catch {
    return parseYaml(text, file) as ModulesManifest;
  }
}

interface PnpmGraphOptions {
  source: TreeSource;
  /** Folder names in the virtual store, `null` when nothing is installed (a graph of the wanted lockfile). */
  installed: Set<string> | null;
  realStore: string;
  maxLength: number;
  included: ModulesManifest['included'];
  rules: PeerRules;
}

const DEPENDENCY_FIELDS: [field: 'dependencies' | 'devDependencies' | 'optionalDependencies', type: EdgeType][] = [
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
];

class PnpmGraph {
  private readonly packages = new Map<string, PackageNode | null>();
  private readonly importers = new Map<string, PackageNode>();
  private dependencyPath!: typeof DependencyPath;
  /** The virtual store's location relative to the root, slash-separated, as node locations are. */
  private readonly storeLocation: string;

  constructor(
    private readonly root: string,
    private readonly lockfile: LockfileObject,
    private readonly builder: GraphBuilder,
    private readonly options: PnpmGraphOptions,
  ) {
    this.storeLocation = path.relative(root, options.realStore).split(path.sep).join('/');
  }

  async build(rootManifest: Record<string, unknown>): Promise<TreeGraph> {
    this.dependencyPath = await import('@pnpm/dependency-path');
    const ids = Object.keys(this.lockfile.importers).sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : 1));
    const manifests = await Promise.all(ids.map((id) => (id === '.' ? Promise.resolve(rootManifest) : readManifest(path.join(this.root, id, 'package.json')))));
    ids.forEach((id, i) => {
      const manifest = manifests[i] ?? {};
      const node = this.builder.addNode({
        name: stringField(manifest, 'name') || (id === '.' ? path.basename(this.root) : path.basename(id)),
        installedAs: id === '.' ? path.basename(this.root) : path.basename(id),
        version: stringField(manifest, 'version'),
        location: id === '.' ? '' : id,
        path: path.join(this.root, id),
        isRoot: id === '.',
        isWorkspace: id !== '.',
        dev: false,
        optional: false,
        peer: false,
      });
      this.importers.set(id, node);
    });
    for (const [depPath, snapshot] of Object.entries(this.lockfile.packages ?? {})) this.packages.set(depPath, this.packageNode(depPath, snapshot));
    ids.forEach((id, i) => this.importerEdges(id, manifests[i] ?? {}));
    for (const [depPath, snapshot] of Object.entries(this.lockfile.packages ?? {})) {
      const node = this.packages.get(depPath);
      if (node) this.packageEdges(node, snapshot);
    }
    return this.builder.graph(null, this.root, this.options.source, 'pnpm');
  }

  /** The copy of a package in the virtual store, or `null` when its folder is not there (not installed). */
  private packageNode(depPath: string, snapshot: PackageSnapshot): PackageNode | null {
    const parsed = this.dependencyPath.parse(depPath);
    const name = snapshot.name ?? parsed.name ?? depPath;
    const folder = this.dependencyPath.depPathToFilename(depPath, this.options.maxLength);
    if (this.options.installed && !this.options.installed.has(folder)) return null;
    const location = `${this.storeLocation}/${folder}/node_modules/${name}`;
    return this.builder.addNode({
      name,
      installedAs: name,
      version: snapshot.version ?? parsed.version ?? parsed.nonSemverVersion ?? '',
      location,
      path: `${this.options.realStore}${path.sep}${folder}${path.sep}node_modules${path.sep}${name}`,
      isRoot: false,
      isWorkspace: false,
      dev: false,
      optional: snapshot.optional === true,
      peer: false,
    });
  }

  /** The root's and every workspace's own dependencies, as its package.json declares them now. */
  private importerEdges(id: string, manifest: Record<string, unknown>): void {
    const from = this.importers.get(id);
    if (!from) return;
    const snapshot = this.lockfile.importers[id as keyof LockfileObject['importers']] as ProjectSnapshot | undefined;
    for (const [field, type] of DEPENDENCY_FIELDS) {
      // `pnpm install --prod` leaves dev dependencies out on purpose: not installed is not missing then.
      if (this.options.included?.[field] === false) continue;
      for (const [name, spec] of Object.entries(record(manifest[field]))) {
        const ref = snapshot?.[field]?.[name] ?? snapshot?.dependencies?.[name] ?? snapshot?.devDependencies?.[name] ?? snapshot?.optionalDependencies?.[name];
        if (ref === undefined) {
          this.builder.addEdge(from, name, spec, type, null, type === 'optional' ? null : 'MISSING');
          continue;
        }
        const to = this.target(id, name, ref);
        let problem: EdgeProblem | null = to === null ? (type === 'optional' ? null : 'MISSING') : null;
        // The lockfile was resolved from its own specifier; a range edited since must still hold.
        if (to && snapshot?.specifiers[name] !== spec && !rangeSatisfied(to.version, spec)) problem = 'INVALID';
        this.builder.addEdge(from, name, spec, type, to, problem);
      }
    }
  }

  /**
   * A package's production and optional dependencies, and its peers as pnpm resolved them (they
   * appear among its dependencies in the lockfile), judged by pnpm's peer rules.
   */
  private packageEdges(from: PackageNode, snapshot: PackageSnapshot): void {
    const peers = snapshot.peerDependencies ?? {};
    const resolved = new Map<string, [ref: string, type: EdgeType]>();
    for (const [name, ref] of Object.entries(snapshot.dependencies ?? {})) resolved.set(name, [ref, 'prod']);
    for (const [name, ref] of Object.entries(snapshot.optionalDependencies ?? {})) resolved.set(name, [ref, 'optional']);
    for (const [name, [ref, type]] of resolved) {
      if (name in peers) continue;
      const to = this.target(null, name, ref);
      this.builder.addEdge(from, name, versionOf(ref), type, to, to === null && type !== 'optional' ? 'MISSING' : null);
    }
    for (const [name, range] of Object.entries(peers)) {
      const optional = snapshot.peerDependenciesMeta?.[name]?.optional === true;
      const ref = resolved.get(name)?.[0];
      const to = ref === undefined ? null : this.target(null, name, ref);
      let problem: EdgeProblem | null = null;
      if (to === null) problem = optional || this.options.rules.ignoresMissing(name) ? null : 'MISSING';
      else if (!this.options.rules.allows(from, name, range, to.version)) problem = 'INVALID';
      this.builder.addEdge(from, name, range, optional ? 'peerOptional' : 'peer', to, problem);
    }
  }

  /** The node a lockfile reference points at: a copy in the virtual store, or a workspace for `link:`. */
  private target(importer: string | null, name: string, ref: string): PackageNode | null {
    if (ref.startsWith('link:')) {
      const base = importer === null ? this.root : path.join(this.root, importer);
      const id = path.relative(this.root, path.resolve(base, ref.slice('link:'.length))).split(path.sep).join('/') || '.';
      return this.importers.get(id) ?? null;
    }
    const depPath = this.dependencyPath.refToRelative(ref, name);
    return depPath === null ? null : (this.packages.get(depPath) ?? null);
  }
}

/** `1.0.0(react@18.2.0)` → `1.0.0`; an alias `other@1.0.0` keeps its name. */
function versionOf(ref: string): string {
  const peers = ref.indexOf('(');
  return peers === -1 ? ref : ref.slice(0, peers);
}

function record(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function stringField(manifest: Record<string, unknown>, field: string): string {
  const value = manifest[field];
  return typeof value === 'string' ? value : '';
}

