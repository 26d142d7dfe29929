import type Shrinkwrap from '@npmcli/arborist/lib/shrinkwrap.js';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import npa from 'npm-package-arg';
import picomatch from 'picomatch';
import semver from 'semver';
import { markExtraneous } from './graph-builder';
import type { DependencyEdge, EdgeProblem, EdgeType, PackageManagerName, PackageNode, TreeGraph } from './types';

export type LockEntry = NonNullable<Shrinkwrap['data']['packages']>[string];

/** The parsed hidden lockfile of a tree, reused while neither it nor node_modules changed. */
const cache = new Map<string, { key: string; packages: Record<string, LockEntry> }>();

/**
 * Builds the graph of an installed tree from npm's hidden lockfile (`node_modules/.package-lock.json`)
 * instead of arborist's tree, or returns `null` when arborist's own check finds the hidden lockfile
 * stale (a folder newer than it, a package missing from it), in which case the caller loads the
 * tree with arborist.
 *
 * Why not arborist's tree every time: building it costs quadratic edge reloads (about a second for
 * 2,000 packages, the bulk of `npm ls`), while the graph needs only each package's location,
 * version and declared dependencies, which the hidden lockfile holds. Edges are resolved here with
 * Node's lookup (walk up through node_modules folders) and judged as arborist judges them (MISSING,
 * PEER LOCAL, INVALID); a test compares the result with arborist's on real trees. The root and
 * workspace manifests are read from disk, so edits to them show before any reinstall, as with
 * arborist's `loadActual`.
 */
export async function loadFromHiddenLockfile(root: string, namespace: string | null, manifest: Record<string, unknown>, installLinks: boolean): Promise<TreeGraph | null> {
  const packages = await hiddenLockfile(root);
  if (!packages) return null;
  return graphFromLocations(root, namespace, manifest, packages, { installLinks, manager: 'npm' });
}

async function hiddenLockfile(root: string): Promise<Record<string, LockEntry> | null> {
  const file = path.join(root, 'node_modules', '.package-lock.json');
  let key: string;
  try {
    const [lock, modules] = await Promise.all([stat(file), stat(path.join(root, 'node_modules'))]);
    key = `${lock.mtimeMs}:${lock.size}:${modules.mtimeMs}`;
  } catch {
    return null;
  }
  const cached = cache.get(root);
  if (cached?.key === key) return cached.packages;
  // Loaded on first use, like arborist itself in load-tree.ts.
  const { default: ShrinkwrapClass } = await import('@npmcli/arborist/lib/shrinkwrap.js');
  const meta = await ShrinkwrapClass.load({ path: root, hiddenLockfile: true });
  if (!meta.loadedFromDisk || !meta.data.packages) return null;
  // Keep only what the graph needs: integrity hashes, licenses, engines and the like are most of a lockfile.
  const packages: Record<string, LockEntry> = {};
  for (const [location, entry] of Object.entries(meta.data.packages)) {
    const { name, version, resolved, link, dev, optional, peer, dependencies, devDependencies, optionalDependencies, peerDependencies, peerDependenciesMeta } = entry;
    packages[location] = { name, version, resolved: link ? resolved : undefined, link, dev, optional, peer, dependencies, devDependencies, optionalDependencies, peerDependencies, peerDependenciesMeta };
  }
  cache.set(root, { key, packages });
  return packages;
}

interface Draft {
  node: PackageNode;
  entry: LockEntry;
  /** Declared dependencies as [name, spec, type]. */
  declared: [string, string, EdgeType][];
}

/**
 * The graph of a tree laid out the way npm lays it out (a folder per copy, found by Node's lookup),
 * from a record per location: npm's hidden lockfile, or what Bun's and Yarn's lockfiles say about the
 * same layout. Edges resolve by walking up node_modules folders, as Node does, and are judged as
 * arborist judges them.
 */
export async function graphFromLocations(
  root: string,
  namespace: string | null,
  manifest: Record<string, unknown>,
  packages: Record<string, LockEntry>,
  options: { installLinks: boolean; manager: PackageManagerName },
): Promise<TreeGraph> {
  const { installLinks } = options;
  const nodes: PackageNode[] = [];
  const drafts = new Map<string, Draft>();
  const add = (location: string, entry: LockEntry, declared: [string, string, EdgeType][], extra: Partial<PackageNode> = {}): Draft => {
    const folder = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const node: PackageNode = {
      id: nodes.length,
      name: entry.name ?? (location.includes('node_modules/') ? folder : path.basename(location)),
      installedAs: location.includes('node_modules/') ? folder : path.basename(location),
      version: entry.version ?? '',
      location,
      path: path.join(root, location),
      isRoot: false,
      isWorkspace: false,
      extraneous: false,
      dev: entry.dev === true,
      optional: entry.optional === true,
      peer: entry.peer === true,
      edgesOut: [],
      edgesIn: [],
      ...extra,
    };
    nodes.push(node);
    const draft = { node, entry, declared };
    drafts.set(location, draft);
    return draft;
  };

  const rootDraft = add('', {}, declaredOf(manifest, true), { isRoot: true, name: stringField(manifest, 'name') || path.basename(root), version: stringField(manifest, 'version'), path: root });
  // Arborist names the root after its folder.
  rootDraft.node.installedAs = path.basename(root);
  const links = new Map<string, string>();
  const linkTargets = new Set<string>();
  for (const [location, entry] of Object.entries(packages)) {
    if (location === '') continue;
    if (entry.link) {
      const target = entry.resolved ?? '';
      links.set(location, target);
      linkTargets.add(target);
      continue;
    }
    if (!drafts.has(location)) add(location, entry, declaredOf(entry, false));
  }
  // Link targets (workspaces, `file:` folders) are tops of their own, like the root: arborist reads
  // their dev dependencies too. Their manifests are read from disk, as the root's is.
  const isWorkspace = workspaceMatcher(manifest);
  const workspaceTargets = [...linkTargets].filter((target) => drafts.has(target) && isWorkspace(target));
  await Promise.all(
    [...linkTargets].map(async (target) => {
      const draft = drafts.get(target);
      if (!draft) return;
      draft.node.isWorkspace = isWorkspace(target);
      const live = await readJson(path.join(root, target, 'package.json'));
      draft.declared = declaredOf(live ?? draft.entry, true);
      if (!live) return;
      draft.node.name = stringField(live, 'name') || draft.node.name;
      draft.node.version = stringField(live, 'version') || draft.node.version;
    }),
  );
  // Arborist links the root to every workspace with a `workspace` edge, which a same-named
  // dependency of the root does not replace.
  for (const target of workspaceTargets) {
    const draft = drafts.get(target);
    if (!draft) continue;
    rootDraft.declared = rootDraft.declared.filter(([name]) => name !== draft.node.name);
    rootDraft.declared.push([draft.node.name, `file:${path.join(root, target)}`, 'workspace']);
  }

  const edges: DependencyEdge[] = [];
  const find = (location: string): Found | undefined => {
    const link = links.get(location);
    const draft = drafts.get(link ?? location);
    return draft && { draft, viaLink: link !== undefined };
  };
  for (const draft of drafts.values()) {
    const from = draft.node;
    for (const [name, spec, type] of draft.declared) {
      const found = type === 'workspace' ? { draft: drafts.get(path.relative(root, spec.slice('file:'.length)).split(path.sep).join('/')), viaLink: true } : resolveFrom(from.location, name, find);
      const to = found?.draft?.node ?? null;
      const id = edges.length;
      const problem = problemOf(from, to, name, spec, type, { viaLink: found?.viaLink ?? false, installLinks });
      edges.push({ id, from: from.id, to: to ? to.id : null, name, spec, type, problem });
      from.edgesOut.push(id);
      to?.edgesIn.push(id);
    }
  }
  markExtraneous(nodes, edges);
  return { namespace, root, source: 'actual', manager: options.manager, nodes, edges };
}

/** A resolved dependency, and whether node_modules holds a symlink to it rather than the folder itself. */
interface Found {
  draft: Draft | undefined;
  viaLink: boolean;
}

/** Node's lookup: `<dir>/node_modules/<name>` for `dir` = the package's folder and each folder above it, up to the tree's root. */
function resolveFrom(location: string, name: string, find: (location: string) => Found | undefined): Found | undefined {
  for (const dir of lookupDirs(location)) {
    const found = find(`${dir}node_modules/${name}`);
    if (found) return found;
  }
  return undefined;
}

const dirsCache = new Map<string, string[]>();

/** The folders Node searches from a package, as location prefixes (`''` is the tree's root). */
function lookupDirs(location: string): string[] {
  let dirs = dirsCache.get(location);
  if (!dirs) {
    const parts = location === '' ? [] : location.split('/');
    dirs = [];
    // A folder outside the tree's root (a `file:../lib` target) never sees the root's node_modules.
    const lowest = parts[0] === '..' ? 1 : 0;
    for (let i = parts.length; i >= lowest; i--) {
      if (i > 0 && (parts[i - 1] === 'node_modules' || parts[i - 1] === '..')) continue;
      dirs.push(i === 0 ? '' : `${parts.slice(0, i).join('/')}/`);
    }
    if (dirsCache.size > 100_000) dirsCache.clear();
    dirsCache.set(location, dirs);
  }
  return dirs;
}

/** Arborist's edge verdicts, in its order of precedence. */
function problemOf(from: PackageNode, to: PackageNode | null, name: string, spec: string, type: EdgeType, link: { viaLink: boolean; installLinks: boolean }): EdgeProblem | null {
  const optional = type === 'optional' || type === 'peerOptional';
  if (!to) return optional ? null : 'MISSING';
  if ((type === 'peer' || type === 'peerOptional') && !from.isRoot && to.location === `${from.location}/node_modules/${name}`) return 'PEER LOCAL';
  if (type === 'workspace') return null;
  const folder = folderSpec(from, name, spec);
  if (folder !== null) return linkValid(to, folder, link) ? null : 'INVALID';
  return satisfies(to, name, spec) ? null : 'INVALID';
}

/** The folder a `file:<dir>` spec names (absolute), or `null` for any other kind of spec. */
function folderSpec(from: PackageNode, name: string, spec: string): string | null {
  if (!spec.startsWith('file:') && !spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('~')) return null;
  try {
    const parsed = npa.resolve(name, spec, from.path);
    return parsed.type === 'directory' ? (parsed.fetchSpec ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * Arborist's linkValid: with install-links a folder dependency must be a real copy (workspaces are
 * always links); without, it must be a symlink to that very folder.
 */
function linkValid(to: PackageNode, folder: string, link: { viaLink: boolean; installLinks: boolean }): boolean {
  if (link.installLinks && !to.isWorkspace) return !link.viaLink;
  return link.viaLink && path.relative(to.path, folder) === '';
}

/** Verdicts by name, spec and installed copy: big trees repeat the same few thousand pairs. */
const verdicts = new Map<string, boolean>();

function satisfies(node: PackageNode, name: string, spec: string): boolean {
  const key = `${name}\0${spec}\0${node.name}\0${node.version}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = judge(node, name, spec);
    if (verdicts.size > 100_000) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
}

const MANAGER_PROTOCOL = /^(workspace|patch|portal|catalog|exec|link):/;

/** Whether the installed copy satisfies the spec, as arborist's depValid decides for registry specs. */
function judge(node: PackageNode, name: string, spec: string): boolean {
  if (spec === '' || spec === '*') return true;
  // Yarn's, pnpm's and Bun's own protocols: the copy in the tree was resolved from that very spec.
  if (MANAGER_PROTOCOL.test(spec)) return true;
  // Plain ranges are most specs; npm-package-arg's full parse (URLs, git hosts) is for the rest.
  if (semver.validRange(spec, true) !== null) return semver.satisfies(node.version, spec, true);
  let parsed: npa.Result;
  try {
    parsed = npa.resolve(name, spec || '*');
  } catch {
    return false;
  }
  if (parsed.type === 'alias') {
    const sub = (parsed as npa.Result & { subSpec?: npa.Result }).subSpec;
    if (!sub || sub.name !== node.name) return false;
    parsed = sub;
  }
  if (parsed.type === 'range' || parsed.type === 'version') return parsed.fetchSpec === '*' || semver.satisfies(node.version, parsed.fetchSpec ?? '*', true);
  // Tags, git, tarballs and folders: arborist compares resolved URLs; a lockfile-installed copy was resolved from that very spec.
  return true;
}

/** Whether a folder (relative to the root) is one of the root's npm workspaces. */
function workspaceMatcher(manifest: Record<string, unknown>): (location: string) => boolean {
  const field = manifest.workspaces;
  const globs = Array.isArray(field) ? field : typeof field === 'object' && field !== null ? (field as { packages?: unknown }).packages : undefined;
  const patterns = Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string').map((g) => g.replace(/^\.\//, '').replace(/\/$/, '')) : [];
  if (patterns.length === 0) return () => false;
  const matches = picomatch(patterns);
  return (location) => !location.startsWith('..') && matches(location);
}

function declaredOf(manifest: Record<string, unknown> | LockEntry, projectPackage: boolean): [string, string, EdgeType][] {
  const record = manifest as Record<string, unknown>;
  const deps = (field: string): Record<string, string> => {
    const value = record[field];
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
  };
  const optional = deps('optionalDependencies');
  const peerMeta = deps('peerDependenciesMeta') as unknown as Record<string, { optional?: boolean }>;
  const declared = new Map<string, [string, string, EdgeType]>();
  // Later fields win, in arborist's order: peer, prod, optional, then dev (for project packages only).
  for (const [name, spec] of Object.entries(deps('peerDependencies'))) declared.set(name, [name, String(spec), peerMeta[name]?.optional ? 'peerOptional' : 'peer']);
  for (const [name, spec] of Object.entries(deps('dependencies'))) declared.set(name, [name, String(spec), 'prod']);
  for (const [name, spec] of Object.entries(optional)) declared.set(name, [name, String(spec), 'optional']);
  if (projectPackage) for (const [name, spec] of Object.entries(deps('devDependencies'))) declared.set(name, [name, String(spec), 'dev']);
  return [...declared.values()];
}

function stringField(manifest: Record<string, unknown>, field: string): string {
  const value = manifest[field];
  return typeof value === 'string' ? value : '';
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
