import * as path from 'node:path';
import semver from 'semver';
import { CONFIG_FILE, type NamespaceConfig, type ProjectConfig } from '../config';
import { namespaceDir, type OrphanedNamespace, type TreeStatus } from '../install';
import { installCommand } from '../package-manager';
import { copiesOf, dependentOf, describeNode, edgeAt, manifestField, nodeAt } from './graph';
import { loadTree } from './load-tree';
import type { Conflict, ConflictAnchor, NamespaceState, NamespaceSummary, TreeGraph } from './types';

export interface NamespaceAnalysis {
  trees: TreeGraph[];
  summaries: NamespaceSummary[];
  conflicts: Conflict[];
}

/**
 * Loads every installed namespace tree and reports what is wrong with the namespaces as a whole:
 * not installed, stale (saying which input changed), `shared` packages the app does not have,
 * packages declared both in a namespace and directly (allowed, but worth knowing which app files
 * get which copy), and main-tree copies an isolation left behind until npm's next install.
 * Conflicts inside a namespace tree are found by the same checks as the main tree's, by the caller.
 */
export async function analyzeNamespaces(
  projectDir: string,
  config: ProjectConfig,
  statuses: Record<string, TreeStatus>,
  main: TreeGraph,
  signal?: AbortSignal,
): Promise<NamespaceAnalysis> {
  const trees: TreeGraph[] = [];
  const summaries: NamespaceSummary[] = [];
  const conflicts: Conflict[] = [];
  const configFile = config.file || path.join(projectDir, CONFIG_FILE);
  const anchor = (...jsonPath: string[]): ConflictAnchor => ({ file: configFile, jsonPath: ['namespaces', ...jsonPath] });
  for (const [name, ns] of Object.entries(config.namespaces)) {
    const root = namespaceDir(projectDir, name);
    const state: NamespaceState = statuses[name]?.state ?? 'missing';
    const staleReason = state === 'stale' ? (statuses[name]?.reason ?? null) : null;
    summaries.push({ name, state, staleReason, root, dependencies: ns.dependencies, shared: ns.shared, scope: ns.scope });
    if (state !== 'missing') {
      signal?.throwIfAborted();
      trees.push(await loadTree(root, name));
    }
    if (state === 'missing' || state === 'stale') {
      conflicts.push({
        kind: state === 'missing' ? 'namespace-not-installed' : 'namespace-stale',
        severity: 'error',
        package: name,
        namespace: name,
        versions: [],
        dependents: [],
        locations: [path.relative(projectDir, root)],
        paths: [root],
        anchors: [anchor(name)],
        message:
          state === 'missing'
            ? `Namespace "${name}" is not installed: imports routed to it fail at run time. Run "multiverse install".`
            : `Namespace "${name}" is stale: ${staleReason ?? 'what it was installed from changed'}. Run "multiverse install".`,
      });
    }
    ns.shared.forEach((pkg, index) => {
      if (copiesOf(main, pkg).length > 0) return;
      conflicts.push({
        kind: 'missing',
        severity: 'error',
        package: pkg,
        namespace: name,
        versions: [],
        dependents: [],
        locations: [],
        paths: [],
        anchors: [anchor(name, 'shared', String(index))],
        message: `Namespace "${name}" shares "${pkg}" with the app, but the app's tree does not have it. Add it to package.json or remove it from "shared".`,
      });
    });
    conflicts.push(...declaredTwice(config, name, ns, main, trees, anchor));
  }
  conflicts.push(...leftoverCopies(projectDir, config, main, anchor));
  return { trees, summaries, conflicts };
}

/**
 * Packages a namespace declares that package.json declares too. Which copy app code gets follows
 * routing: the namespace's for files in its scope (or all files, when it has none and no other
 * declaring namespace's scope claims them), the main tree's for the rest.
 */
function declaredTwice(config: ProjectConfig, namespace: string, ns: NamespaceConfig, main: TreeGraph, trees: TreeGraph[], anchor: (...jsonPath: string[]) => ConflictAnchor): Conflict[] {
  const conflicts: Conflict[] = [];
  const root = nodeAt(main, 0);
  const tree = trees.find((t) => t.namespace === namespace);
  for (const [pkg, spec] of Object.entries(ns.dependencies)) {
    const direct = root.edgesOut.map((id) => edgeAt(main, id)).find((e) => e.name === pkg);
    if (!direct) continue;
    const copies = [direct.to === null ? undefined : nodeAt(main, direct.to), tree && copiesOf(tree, pkg)[0]].filter((n) => n !== undefined);
    conflicts.push({
      kind: 'declared-twice',
      severity: 'warning',
      package: pkg,
      namespace,
      versions: [spec, direct.spec],
      dependents: [{ name: '(root)', version: root.version, location: '', spec: direct.spec, type: direct.type }],
      locations: copies.map((n) => n.location),
      paths: copies.map((n) => n.path),
      // On the namespace's entry, where routing is decided; the package.json entry is related.
      anchors: [anchor(namespace, 'dependencies', pkg), { file: path.join(root.path, 'package.json'), jsonPath: [manifestField(direct.type), pkg] }],
      message: `"${pkg}" is declared in namespace "${namespace}" ("${spec}") and in package.json ("${direct.spec}"). ${whoGetsWhich(config, namespace, ns, pkg)}`,
    });
  }
  return conflicts;
}

/** Which app files get the namespace's copy of `pkg` and which get package.json's, as routing decides. */
function whoGetsWhich(config: ProjectConfig, namespace: string, ns: NamespaceConfig, pkg: string): string {
  const globs = (scope: string[]): string => scope.map((g) => `"${g}"`).join(', ');
  const others = Object.entries(config.namespaces).filter(([name, other]) => name !== namespace && Object.hasOwn(other.dependencies, pkg));
  if (ns.scope.length > 0) {
    const fallback = others.find(([, other]) => other.scope.length === 0)?.[0];
    const rest = fallback === undefined ? "get the package.json copy from the main tree" : `get namespace "${fallback}"'s copy`;
    return `App files matching ${globs(ns.scope)} get the namespace's copy; other app files ${rest}. Packages in node_modules that depend on it get the package.json copy.`;
  }
  const claimed = others.filter(([, other]) => other.scope.length > 0);
  const except = claimed.length === 0 ? '' : ` (except files matching ${claimed.map(([name, other]) => `${globs(other.scope)}, which get namespace "${name}"'s`).join('; ')})`;
  return `App code importing it gets the namespace's copy${except}; the package.json entry only serves packages in node_modules that depend on it. Remove one to avoid surprises.`;
}

/**
 * Copies a move into a namespace left in the main tree: a package a namespace declares, that no
 * project manifest declares any more and nothing in the main tree depends on, still sits at the top
 * of node_modules until npm's next install removes it. Until then code in node_modules that
 * requires it without declaring it still loads it, and it shows among a package's copies.
 */
function leftoverCopies(projectDir: string, config: ProjectConfig, main: TreeGraph, anchor: (...jsonPath: string[]) => ConflictAnchor): Conflict[] {
  const conflicts: Conflict[] = [];
  const reported = new Set<string>();
  for (const [namespace, ns] of Object.entries(config.namespaces)) {
    for (const pkg of Object.keys(ns.dependencies)) {
      const copy = main.nodes.find((n) => n.location === `node_modules/${pkg}`);
      if (copy === undefined || !copy.extraneous || reported.has(pkg)) continue;
      reported.add(pkg);
      conflicts.push({
        kind: 'main-tree-leftover',
        severity: 'warning',
        package: pkg,
        namespace,
        versions: [copy.version],
        dependents: [],
        locations: [copy.location],
        paths: [copy.path],
        anchors: [anchor(namespace, 'dependencies', pkg)],
        message: `"${pkg}" lives in namespace "${namespace}", but the main tree still holds ${pkg}@${copy.version} at ${copy.location}: package.json no longer asks for it, and the next install removes it. Until then, code in node_modules that requires "${pkg}" without declaring it may load that copy. Run "${installCommand(main.manager)}" in ${projectDir}.`,
      });
    }
  }
  return conflicts;
}

/**
 * Namespaces installed under .multiverse/ that multiverse.json does not declare: while map.json
 * still routes to one, the program loads its copies though the editor and check go by
 * multiverse.json (an error); a tree alone only takes space (a warning). `multiverse install` prunes both.
 */
export function orphanConflicts(projectDir: string, configFile: string | null, orphans: OrphanedNamespace[]): Conflict[] {
  return orphans.map((orphan) => ({
    kind: 'namespace-orphaned',
    severity: orphan.mapped ? 'error' : 'warning',
    package: orphan.name,
    namespace: orphan.name,
    versions: [],
    dependents: [],
    locations: orphan.tree === null ? [] : [path.relative(projectDir, orphan.tree)],
    paths: orphan.tree === null ? [] : [orphan.tree],
    anchors: configFile === null ? [] : [{ file: configFile, jsonPath: ['namespaces'] }],
    message: orphan.mapped
      ? `Namespace "${orphan.name}" is not in multiverse.json any more, but .multiverse/map.json still routes imports to it, so the program loads its copies. Run "multiverse install" to remove it.`
      : `.multiverse/${orphan.name} is the installed tree of namespace "${orphan.name}", which multiverse.json no longer declares; nothing loads it. Run "multiverse install" to remove it.`,
  }));
}

/**
 * A namespace tree's root package.json is generated from multiverse.json, so a problem anchored
 * there is fixed in multiverse.json: point the anchor at the namespace's dependency entry instead.
 */
export function anchorNamespaceConflicts(conflicts: Conflict[], graph: TreeGraph, configFile: string): Conflict[] {
  const generated = path.join(graph.root, 'package.json');
  return conflicts.map((c) => ({
    ...c,
    anchors: c.anchors.map((a) =>
      a.file === generated && graph.namespace !== null ? { file: configFile, jsonPath: ['namespaces', graph.namespace, 'dependencies', a.jsonPath[1] ?? ''] } : a,
    ),
  }));
}

/**
 * Packages a namespace shares with the app are loaded from the app's tree: every package in the
 * namespace that depends on one gets the app's copy, which must satisfy what it asks for.
 */
export function sharedConflicts(tree: TreeGraph, summary: NamespaceSummary, main: TreeGraph, configFile: string): Conflict[] {
  const conflicts: Conflict[] = [];
  summary.shared.forEach((pkg, index) => {
    // The copy the app's own dependency resolves to, wherever its package manager put it.
    const direct = nodeAt(main, 0).edgesOut.map((id) => edgeAt(main, id)).find((e) => e.name === pkg && e.to !== null);
    const appCopy = direct?.to === undefined || direct.to === null ? main.nodes.find((n) => n.location === `node_modules/${pkg}`) : nodeAt(main, direct.to);
    if (!appCopy) return; // reported as a shared package the app does not have
    const unmet = tree.edges.filter((e) => e.name === pkg && !satisfiedBy(appCopy.version, e.spec));
    if (unmet.length === 0) return;
    const peer = unmet.every((e) => e.type === 'peer' || e.type === 'peerOptional');
    const needs = unmet.map((e) => `${describeNode(nodeAt(tree, e.from))} needs ${e.type === 'peer' || e.type === 'peerOptional' ? 'peer ' : ''}"${e.spec}"`).join('; ');
    conflicts.push({
      kind: peer ? 'peer' : 'invalid',
      severity: 'error',
      package: pkg,
      namespace: summary.name,
      versions: [appCopy.version, ...new Set(unmet.map((e) => e.spec))],
      dependents: unmet.map((e) => dependentOf(tree, e)),
      locations: [appCopy.location],
      paths: [appCopy.path],
      anchors: [{ file: configFile, jsonPath: ['namespaces', summary.name, 'shared', String(index)] }],
      message: `Namespace "${summary.name}" shares ${pkg} with the app, which has ${pkg}@${appCopy.version}, but in the namespace ${needs}. Align the versions, or stop sharing ${pkg} so the namespace gets its own copy.`,
    });
  });
  return conflicts;
}

function satisfiedBy(version: string, spec: string): boolean {
  // Only registry ranges can be checked against a version; other specs name a source, not a range.
  return semver.validRange(spec, true) === null || semver.satisfies(version, spec, { loose: true, includePrerelease: true });
}
