import * as path from 'node:path';
import type { ConflictAnchor, DependencyEdge, Dependent, EdgeType, PackageNode, TreeGraph } from './types';

/** The package.json field an edge of this type is declared in. */
export function manifestField(type: EdgeType): string {
  switch (type) {
    case 'prod':
      return 'dependencies';
    case 'dev':
      return 'devDependencies';
    case 'optional':
      return 'optionalDependencies';
    case 'peer':
    case 'peerOptional':
      return 'peerDependencies';
    case 'workspace':
      return 'workspaces';
  }
}

/** A project's own manifests: the root and its workspaces. Edges out of them are what users edit. */
function isProjectPackage(node: PackageNode): boolean {
  return node.isRoot || node.isWorkspace;
}

/** `name@version`, or "the root project" as npm calls it in ERESOLVE reports. */
export function describeNode(node: PackageNode): string {
  if (node.isRoot) return 'the root project';
  return node.version ? `${node.name}@${node.version}` : node.name;
}

export function dependentOf(graph: TreeGraph, edge: DependencyEdge): Dependent {
  const from = nodeAt(graph, edge.from);
  return { name: from.isRoot ? '(root)' : from.name, version: from.version, location: from.location, spec: edge.spec, type: edge.type };
}

export function nodeAt(graph: TreeGraph, id: number): PackageNode {
  const node = graph.nodes[id];
  if (!node) throw new RangeError(`node ${id} is not in the ${graph.namespace ?? 'main'} tree (${graph.nodes.length} nodes)`);
  return node;
}

export function edgeAt(graph: TreeGraph, id: number): DependencyEdge {
  const edge = graph.edges[id];
  if (!edge) throw new RangeError(`edge ${id} is not in the ${graph.namespace ?? 'main'} tree (${graph.edges.length} edges)`);
  return edge;
}

/** Every installed copy of a package (by its real name), shallowest first, then by location. */
export function copiesOf(graph: TreeGraph, name: string): PackageNode[] {
  const depth = (n: PackageNode): number => n.location.split('/node_modules/').length;
  return graph.nodes
    .filter((n) => n.name === name && !n.isRoot)
    .sort((a, b) => depth(a) - depth(b) || (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
}

/**
 * The shortest chains of edges from a project package (root or workspace) down to `target`, so
 * "why is this here" has the answer npm gives (`npm explain`), shortest first. Breadth-first over
 * `edgesIn`, so cycles (which npm trees have) end instead of looping; at most `limit` chains.
 */
export function dependencyChains(graph: TreeGraph, target: number, limit = 5): DependencyEdge[][] {
  const chains: DependencyEdge[][] = [];
  const start = nodeAt(graph, target);
  if (isProjectPackage(start)) return [[]];
  type Step = { node: number; chain: DependencyEdge[] };
  let frontier: Step[] = [{ node: target, chain: [] }];
  const settled = new Set<number>([target]);
  while (frontier.length > 0 && chains.length < limit) {
    const next: Step[] = [];
    for (const step of frontier) {
      for (const edgeId of nodeAt(graph, step.node).edgesIn) {
        const edge = edgeAt(graph, edgeId);
        if (step.chain.some((e) => e.from === edge.from) || edge.from === target) continue;
        const chain = [edge, ...step.chain];
        if (isProjectPackage(nodeAt(graph, edge.from))) {
          if (chains.length < limit) chains.push(chain);
        } else if (!settled.has(edge.from)) {
          // One chain per intermediate package keeps the walk linear in the tree's size; the
          // chains still differ in their first step, which is what "why" is asked for.
          settled.add(edge.from);
          next.push({ node: edge.from, chain });
        }
      }
    }
    frontier = next;
  }
  return chains;
}

/**
 * The manifest entries through which the project pulls in `nodeId`: the first edge of every chain
 * from a project package. These are where an editor can put a diagnostic the user can act on.
 */
export function anchorsFor(graph: TreeGraph, nodeId: number): ConflictAnchor[] {
  const anchors = new Map<string, ConflictAnchor>();
  for (const chain of dependencyChains(graph, nodeId, 20)) {
    const first = chain[0];
    if (first) addAnchor(anchors, graph, first);
  }
  return [...anchors.values()];
}

/** The manifest entry that declares `edge`, when the edge starts at a project package. */
export function anchorForEdge(graph: TreeGraph, edge: DependencyEdge): ConflictAnchor[] {
  const anchors = new Map<string, ConflictAnchor>();
  if (isProjectPackage(nodeAt(graph, edge.from))) addAnchor(anchors, graph, edge);
  else for (const anchor of anchorsFor(graph, edge.from)) anchors.set(`${anchor.file}\0${anchor.jsonPath.join('\0')}`, anchor);
  return [...anchors.values()];
}

function addAnchor(anchors: Map<string, ConflictAnchor>, graph: TreeGraph, edge: DependencyEdge): void {
  const from = nodeAt(graph, edge.from);
  const anchor = { file: path.join(from.path, 'package.json'), jsonPath: [manifestField(edge.type), edge.name] };
  anchors.set(`${anchor.file}\0${anchor.jsonPath.join('\0')}`, anchor);
}

/** Renders a chain as npm explain does, root first: `(root) > a@1.0.0 > b@2.0.0`. */
export function formatChain(graph: TreeGraph, chain: DependencyEdge[]): string {
  const first = chain[0];
  if (!first) return '(project)';
  const parts = [describeProject(graph, nodeAt(graph, first.from))];
  for (const edge of chain) parts.push(edge.to === null ? `${edge.name}@${edge.spec} (missing)` : describeNode(nodeAt(graph, edge.to)));
  return parts.join(' > ');
}

function describeProject(graph: TreeGraph, node: PackageNode): string {
  if (!node.isRoot) return `${node.name} (workspace)`;
  return graph.namespace === null ? '(root)' : `(namespace ${graph.namespace})`;
}
