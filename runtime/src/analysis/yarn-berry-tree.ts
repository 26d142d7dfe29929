import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import semver from 'semver';
import { parseYaml } from '../package-manager';
import { loadPnpApi, type PnpApi, type PnpLocator } from '../resolver/pnp';
import { GraphBuilder, rangeSatisfied } from './graph-builder';
import { graphFromLocations, type LockEntry } from './lockfile-tree';
import { readManifest } from './manifest';
import type { EdgeProblem, EdgeType, PackageNode, TreeGraph } from './types';

/** One package in Yarn Berry's yarn.lock, keyed there by the descriptors that resolved to it. */
interface BerryEntry {
  version?: string;
  resolution?: string;
  dependencies?: Record<string, string>;
  dependenciesMeta?: Record<string, { optional?: boolean }>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/**
 * The main tree of a Yarn Berry (2+) project, or `null` when Yarn's records are not there (no
 * install yet) or describe a layout this does not read (the `pnpm` linker).
 *
 * Packages and the ranges they declare come from `yarn.lock`, read with Yarn's own parser. Where each
 * copy is and what each dependency resolves to is Yarn's answer at run time:
 * - Plug'n'Play: the project's `.pnp.cjs` map, through Yarn's PnP API. Each dependency is what the
 *   map gives its dependent; a package with peers has one copy per set of peers (Yarn's "virtual"
 *   packages), each its own node, so a peer's verdict is the one its dependent gets.
 * - node-modules linker: `node_modules/.yarn-state.yml`, Yarn's record of the folders it wrote; a
 *   dependency there resolves by Node's lookup, as on npm's layout.
 */
export async function loadYarnBerryTree(root: string, manifest: Record<string, unknown>): Promise<TreeGraph | null> {
  const lockText = await readFile(path.join(root, 'yarn.lock'), 'utf8').catch(() => null);
  if (lockText === null) return null;
  const entries = byResolution(parseYaml(lockText, path.join(root, 'yarn.lock')));
  const pnpFile = path.join(root, '.pnp.cjs');
  if (existsSync(pnpFile)) return pnpGraph(root, manifest, loadPnpApi(pnpFile), entries);
  const stateFile = path.join(root, 'node_modules', '.yarn-state.yml');
  const stateText = await readFile(stateFile, 'utf8').catch(() => null);
  if (stateText === null) return null;
  return nodeModulesGraph(root, manifest, parseYaml(stateText, stateFile), entries);
}

function byResolution(lock: Record<string, unknown>): Map<string, BerryEntry> {
  const entries = new Map<string, BerryEntry>();
  for (const [key, value] of Object.entries(lock)) {
    if (key === '__metadata' || typeof value !== 'object' || value === null) continue;
    const entry = value as BerryEntry;
    if (typeof entry.resolution === 'string') entries.set(entry.resolution, entry);
  }
  return entries;
}

/** `name@virtual:<hash>#npm:1.0.0` → `name@npm:1.0.0`: the package a virtual copy is made of. */
function devirtualize(locator: string): string {
  const at = locator.indexOf('@', 1);
  const reference = locator.slice(at + 1);
  const hash = reference.startsWith('virtual:') ? reference.indexOf('#') : -1;
  return hash === -1 ? locator : `${locator.slice(0, at)}@${reference.slice(hash + 1)}`;
}

/**
 * Yarn writes every range with its protocol (`npm:^1.0.0`); npm's judge wants the bare range. Other
 * protocols (`workspace:`, `patch:`, `portal:`...) name what Yarn resolved them to, and stay.
 */
function bareRange(spec: string): string {
  if (!spec.startsWith('npm:')) return spec;
  const rest = spec.slice('npm:'.length);
  return semver.validRange(rest, true) !== null ? rest : spec;
}

function declaredOf(entry: BerryEntry): Pick<LockEntry, 'dependencies' | 'optionalDependencies' | 'peerDependencies' | 'peerDependenciesMeta'> {
  const dependencies: Record<string, string> = {};
  const optionalDependencies: Record<string, string> = {};
  for (const [name, spec] of Object.entries(entry.dependencies ?? {})) {
    (entry.dependenciesMeta?.[name]?.optional ? optionalDependencies : dependencies)[name] = bareRange(spec);
  }
  return { dependencies, optionalDependencies, peerDependencies: entry.peerDependencies, peerDependenciesMeta: entry.peerDependenciesMeta };
}

async function nodeModulesGraph(root: string, manifest: Record<string, unknown>, state: Record<string, unknown>, entries: Map<string, BerryEntry>): Promise<TreeGraph> {
  const packages: Record<string, LockEntry> = {};
  for (const [locator, value] of Object.entries(state)) {
    if (locator === '__metadata') continue;
    const locations = (value as { locations?: unknown }).locations;
    const entry = entries.get(devirtualize(locator));
    if (!Array.isArray(locations) || !entry) continue;
    const name = locator.slice(0, locator.indexOf('@', 1));
    const reference = devirtualize(locator).slice(name.length + 1);
    const folder = reference.startsWith('workspace:') ? reference.slice('workspace:'.length).replace(/^\.\/?/, '') : null;
    // A workspace sits in its own folder (Yarn records only the links to it); the root is read live.
    if (folder !== null && folder !== '') packages[folder] = { name, version: entry.version, ...declaredOf(entry) };
    for (const location of locations) {
      if (typeof location !== 'string' || location === '' || location === folder) continue;
      packages[location] = folder === null ? { name, version: entry.version, ...declaredOf(entry) } : { name, link: true, resolved: folder };
    }
  }
  return graphFromLocations(root, null, manifest, packages, { installLinks: false, manager: 'yarn-berry' });
}

/** A project package's peers are for whoever depends on it: Yarn installs none for the project itself. */
const PROJECT_FIELDS: [field: string, type: EdgeType][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['devDependencies', 'dev'],
];

async function pnpGraph(root: string, rootManifest: Record<string, unknown>, api: PnpApi, entries: Map<string, BerryEntry>): Promise<TreeGraph> {
  const builder = new GraphBuilder();
  const key = (l: PnpLocator): string => `${l.name}@${l.reference}`;
  const locators = api.getAllLocators();
  // A package with peers exists once per set of peers (virtual copies); its plain locator is what they are made of, never loaded.
  const workspaces = new Set(api.getDependencyTreeRoots().map(key));
  const made = new Set(locators.filter((l) => l.reference.startsWith('virtual:')).map((l) => devirtualize(key(l))).filter((id) => !workspaces.has(id)));
  const nodes = new Map<string, { node: PackageNode; declared: [string, string, EdgeType][]; info: NonNullable<ReturnType<PnpApi['getPackageInformation']>> }>();
  for (const locator of locators) {
    const id = key(locator);
    const info = api.getPackageInformation(locator);
    if (!info || made.has(id) || !locator.name) continue;
    const location = info.packageLocation.replace(/\/$/, '');
    const project = workspaces.has(id);
    const manifest = project ? (location === root ? rootManifest : ((await readManifest(path.join(location, 'package.json'))) ?? {})) : null;
    const entry = entries.get(devirtualize(id));
    const node = builder.addNode({
      name: locator.name,
      installedAs: locator.name,
      version: (manifest ? stringField(manifest, 'version') : entry?.version) ?? '',
      location: path.relative(root, location).split(path.sep).join('/'),
      path: location,
      isRoot: location === root,
      isWorkspace: project && location !== root,
      dev: false,
      optional: false,
      peer: false,
    });
    nodes.set(id, { node, info, declared: manifest ? projectDeclared(manifest) : entryDeclared(entry) });
  }
  for (const { node, info, declared } of nodes.values()) {
    for (const [name, spec, type] of declared) {
      const ref = info.packageDependencies.get(name);
      const to = ref === undefined || ref === null ? null : (nodes.get(Array.isArray(ref) ? `${ref[0]}@${ref[1]}` : `${name}@${ref}`)?.node ?? null);
      builder.addEdge(node, name, spec, type, to, problemOf(node, to, spec, type));
    }
  }
  return builder.graph(null, root, 'actual', 'yarn-berry');
}

/** Yarn resolved every range of the lockfile itself; what can be wrong is a peer, or a project range edited since. */
function problemOf(from: PackageNode, to: PackageNode | null, spec: string, type: EdgeType): EdgeProblem | null {
  if (to === null) return type === 'optional' || type === 'peerOptional' ? null : 'MISSING';
  const judged = type === 'peer' || type === 'peerOptional' || from.isRoot || from.isWorkspace;
  return judged && !rangeSatisfied(to.version, spec) ? 'INVALID' : null;
}

function entryDeclared(entry: BerryEntry | undefined): [string, string, EdgeType][] {
  if (!entry) return [];
  const { dependencies, optionalDependencies, peerDependencies, peerDependenciesMeta } = declaredOf(entry);
  return [
    ...Object.entries(dependencies ?? {}).map(([n, s]): [string, string, EdgeType] => [n, s, 'prod']),
    ...Object.entries(optionalDependencies ?? {}).map(([n, s]): [string, string, EdgeType] => [n, s, 'optional']),
    ...Object.entries(peerDependencies ?? {}).map(([n, s]): [string, string, EdgeType] => [n, s, peerDependenciesMeta?.[n]?.optional ? 'peerOptional' : 'peer']),
  ];
}

function projectDeclared(manifest: Record<string, unknown>): [string, string, EdgeType][] {
  const declared = new Map<string, [string, string, EdgeType]>();
  for (const [field, type] of PROJECT_FIELDS) {
    const value = manifest[field];
    if (typeof value !== 'object' || value === null) continue;
    for (const [name, spec] of Object.entries(value)) {
      if (typeof spec === 'string') declared.set(name, [name, spec, type]);
    }
  }
  return [...declared.values()];
}

function stringField(manifest: Record<string, unknown>, field: string): string {
  const value = manifest[field];
  return typeof value === 'string' ? value : '';
}
