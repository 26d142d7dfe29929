import { anchorForEdge, anchorsFor, copiesOf, dependentOf, describeNode, edgeAt, nodeAt } from './graph';
import { where, wordsOf } from './manager-words';
import type { Conflict, DependencyEdge, TreeGraph } from './types';

/** Packages that break when two copies load in one process, checked unless the user replaces the list. */
export const DEFAULT_SINGLETONS: readonly string[] = ['react', 'react-dom', 'vue', 'graphql', '@angular/core'];

/**
 * The conflicts inside one tree, from arborist's edge verdicts: invalid and missing dependencies,
 * peer conflicts (explained the way npm's ERESOLVE report does), and singletons installed twice
 * (an error, unless the project lists the package in `allowDuplicates`).
 */
export function treeConflicts(graph: TreeGraph, singletons: readonly string[], allowDuplicates: readonly string[] = []): Conflict[] {
  return [...edgeConflicts(graph), ...singletonConflicts(graph, singletons, allowDuplicates)];
}

function edgeConflicts(graph: TreeGraph): Conflict[] {
  const conflicts: Conflict[] = [];
  // Invalid and peer problems are grouped by the copy they land on: one wrong copy with three
  // unhappy dependents is one problem to fix, as npm ls shows it once with all of them.
  const invalidByTarget = new Map<number, DependencyEdge[]>();
  const peerByTarget = new Map<number, DependencyEdge[]>();
  for (const edge of graph.edges) {
    // An extraneous package is loaded by nothing and goes with the next install: its unmet needs are not the project's.
    if (edge.problem === null || edge.problem === 'DETACHED' || nodeAt(graph, edge.from).extraneous) continue;
    if (edge.problem === 'MISSING' || edge.to === null) {
      conflicts.push(missingConflict(graph, edge));
      continue;
    }
    const isPeer = edge.type === 'peer' || edge.type === 'peerOptional' || edge.problem === 'PEER LOCAL';
    const groups = isPeer ? peerByTarget : invalidByTarget;
    groups.set(edge.to, [...(groups.get(edge.to) ?? []), edge]);
  }
  for (const [target, edges] of invalidByTarget) conflicts.push(invalidConflict(graph, target, edges));
  for (const [target, edges] of peerByTarget) conflicts.push(peerConflict(graph, target, edges));
  return conflicts;
}

function missingConflict(graph: TreeGraph, edge: DependencyEdge): Conflict {
  const from = nodeAt(graph, edge.from);
  const words = wordsOf(graph);
  const { message, severity } = edge.type === 'peer' ? words.missingPeer(graph, edge) : { message: words.missing(graph, edge), severity: 'error' as const };
  return {
    kind: 'missing',
    severity,
    package: edge.name,
    namespace: graph.namespace,
    versions: [],
    dependents: [dependentOf(graph, edge)],
    // The copy that lacks it: a package installed in several places lacks it once per copy.
    locations: from.isRoot ? [] : [from.location],
    paths: [from.path],
    anchors: anchorForEdge(graph, edge),
    message,
  };
}

function invalidConflict(graph: TreeGraph, target: number, edges: DependencyEdge[]): Conflict {
  const copy = nodeAt(graph, target);
  return {
    kind: 'invalid',
    severity: 'error',
    package: copy.name,
    namespace: graph.namespace,
    versions: [copy.version],
    dependents: edges.map((e) => dependentOf(graph, e)),
    locations: [copy.location],
    paths: [copy.path],
    anchors: unique(edges.flatMap((e) => anchorForEdge(graph, e))),
    message: wordsOf(graph).invalid(graph, copy, edges),
  };
}

/**
 * Explains a peer conflict as the package manager does (npm's ERESOLVE, pnpm's unmet peer, ...):
 * what was found (the copy and who asked for it) and the peer dependency it does not satisfy.
 */
function peerConflict(graph: TreeGraph, target: number, edges: DependencyEdge[]): Conflict {
  const found = nodeAt(graph, target);
  const bad = new Set(edges.map((e) => e.id));
  const satisfied = found.edgesIn.map((id) => edgeAt(graph, id)).filter((e) => !bad.has(e.id));
  const foundBecause = satisfied.length > 0 ? satisfied.map((e) => `${found.name}@"${e.spec}" from ${describeNode(nodeAt(graph, e.from))}`).join(', ') : 'nothing depends on it directly';
  const wanted = edges.map((e) => e.spec);
  return {
    kind: 'peer',
    severity: 'error',
    package: found.name,
    namespace: graph.namespace,
    versions: unique([found.version, ...wanted]),
    dependents: [...satisfied, ...edges].map((e) => dependentOf(graph, e)),
    locations: [found.location],
    paths: [found.path],
    // Both sides are anchored: the user may fix it at the package that brought the found copy or
    // at the one whose peer range it misses, and isolating either one resolves it.
    anchors: unique([...edges.flatMap((e) => anchorForEdge(graph, e)), ...anchorsFor(graph, found.id)]),
    message: wordsOf(graph).peer(graph, found, edges, foundBecause),
  };
}

function singletonConflicts(graph: TreeGraph, singletons: readonly string[], allowDuplicates: readonly string[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const name of singletons) {
    const copies = copiesOf(graph, name);
    if (copies.length < 2) continue;
    const allowed = allowDuplicates.includes(name);
    const dependents = copies.flatMap((c) => c.edgesIn.map((id) => dependentOf(graph, edgeAt(graph, id))));
    const list = copies.map((c) => `${c.version} at ${c.location}`).join(', ');
    conflicts.push({
      kind: 'singleton',
      severity: allowed ? 'warning' : 'error',
      package: name,
      namespace: graph.namespace,
      versions: unique(copies.map((c) => c.version)),
      dependents,
      locations: copies.map((c) => c.location),
      paths: copies.map((c) => c.path),
      anchors: unique(copies.flatMap((c) => anchorsFor(graph, c.id))),
      message: allowed
        ? `${name} is installed ${copies.length} times${where(graph)} (${list}); multiverse.json allows it ("allowDuplicates"), so the copies must never meet in one process.`
        : `${name} is installed ${copies.length} times${where(graph)} (${list}); it expects to be loaded once per process, and two copies that meet fail at run time (graphql: "another module or realm"; React: invalid hook call). Deduplicate, or isolate the users of one copy in a namespace; if the copies never meet, list "${name}" in "allowDuplicates" of multiverse.json.`,
    });
  }
  return conflicts;
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
