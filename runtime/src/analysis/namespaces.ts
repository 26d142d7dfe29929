import * as path from 'node:path';
import semver from 'semver';
import { CONFIG_FILE, type ProjectConfig } from '../config';
import { namespaceDir } from '../install';
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
 * not installed, stale, `shared` packages the app does not have, and packages declared both in a
 * namespace and directly (allowed, but worth knowing: app code gets the namespace's copy).
 * Conflicts inside a namespace tree are found by the same checks as the main tree's, by the caller.
 */
export async function analyzeNamespaces(
  projectDir: string,
  config: ProjectConfig,
  states: Record<string, NamespaceState>,
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
    const state = states[name] ?? 'missing';
    summaries.push({ name, state, root, dependencies: ns.dependencies, shared: ns.shared, scope: ns.scope });
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
        anchors: [anchor(name)],
        message:
          state === 'missing'
            ? `Namespace "${name}" is not installed: imports routed to it fail at run time. Run "multiverse install".`
            : `Namespace "${name}" is stale: multiverse.json changed since it was installed. Run "multiverse install".`,
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
        anchors: [anchor(name, 'shared', String(index))],
        message: `Namespace "${name}" shares "${pkg}" with the app, but the app's tree does not have it. Add it to package.json or remove it from "shared".`,
      });
    });
    conflicts.push(...declaredTwice(name, ns.dependencies, main, anchor));
  }
  return { trees, summaries, conflicts };
}

function declaredTwice(namespace: string, dependencies: Record<string, string>, main: TreeGraph, anchor: (...jsonPath: string[]) => ConflictAnchor): Conflict[] {
  const conflicts: Conflict[] = [];
  const root = nodeAt(main, 0);
  for (const [pkg, spec] of Object.entries(dependencies)) {
    const direct = root.edgesOut.map((id) => edgeAt(main, id)).find((e) => e.name === pkg);
    if (!direct) continue;
    conflicts.push({
      kind: 'declared-twice',
      severity: 'warning',
      package: pkg,
      namespace,
      versions: [spec, direct.spec],
      dependents: [{ name: '(root)', version: root.version, location: '', spec: direct.spec, type: direct.type }],
      locations: [],
      anchors: [{ file: path.join(root.path, 'package.json'), jsonPath: [manifestField(direct.type), pkg] }, anchor(namespace, 'dependencies', pkg)],
      message: `"${pkg}" is declared in namespace "${namespace}" ("${spec}") and in package.json ("${direct.spec}"). App code importing it gets the namespace's copy; the package.json entry only serves code inside node_modules. Remove one to avoid surprises.`,
    });
  }
  return conflicts;
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
