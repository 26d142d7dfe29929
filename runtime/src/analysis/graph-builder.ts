import semver from 'semver';
import type { DependencyEdge, EdgeProblem, EdgeType, PackageManagerName, PackageNode, TreeGraph, TreeSource } from './types';

export type NodeFields = Omit<PackageNode, 'id' | 'edgesOut' | 'edgesIn' | 'extraneous'>;

/**
 * Collects nodes and edges into a {@link TreeGraph} with consistent ids and `edgesIn`/`edgesOut`,
 * for the builders that read a package manager's own records (pnpm's, Yarn's, Bun's) rather than
 * arborist's tree.
 */
export class GraphBuilder {
  readonly nodes: PackageNode[] = [];
  readonly edges: DependencyEdge[] = [];

  addNode(fields: NodeFields): PackageNode {
    const node: PackageNode = { ...fields, id: this.nodes.length, extraneous: false, edgesOut: [], edgesIn: [] };
    this.nodes.push(node);
    return node;
  }

  addEdge(from: PackageNode, name: string, spec: string, type: EdgeType, to: PackageNode | null, problem: EdgeProblem | null): DependencyEdge {
    const edge: DependencyEdge = { id: this.edges.length, from: from.id, to: to ? to.id : null, name, spec, type, problem };
    this.edges.push(edge);
    from.edgesOut.push(edge.id);
    to?.edgesIn.push(edge.id);
    return edge;
  }

  graph(namespace: string | null, root: string, source: TreeSource, manager: PackageManagerName): TreeGraph {
    markExtraneous(this.nodes, this.edges);
    return { namespace, root, source, manager, nodes: this.nodes, edges: this.edges };
  }
}

/**
 * Packages nothing in the project reaches, as arborist's calcDepFlags marks extraneous: reachable
 * only through optional peer dependencies counts as unreached, and a reached package keeps the
 * packages whose node_modules it sits in.
 */
export function markExtraneous(nodes: PackageNode[], edges: DependencyEdge[]): void {
  const reached = new Set<number>();
  const queue = nodes.filter((n) => n.isRoot || n.isWorkspace).map((n) => n.id);
  for (const id of queue) reached.add(id);
  while (queue.length > 0) {
    const id = queue.pop() ?? 0;
    for (const edgeId of nodes[id]?.edgesOut ?? []) {
      const edge = edges[edgeId];
      if (!edge || edge.to === null || edge.type === 'peerOptional' || reached.has(edge.to)) continue;
      reached.add(edge.to);
      queue.push(edge.to);
    }
  }
  const byLocation = new Map(nodes.map((n) => [n.location, n]));
  for (const node of nodes) {
    if (!reached.has(node.id)) continue;
    for (let at = node.location.lastIndexOf('/node_modules/'); at > 0; at = node.location.lastIndexOf('/node_modules/', at - 1)) {
      const parent = byLocation.get(node.location.slice(0, at));
      if (parent) reached.add(parent.id);
    }
  }
  for (const node of nodes) node.extraneous = !reached.has(node.id);
}

/** Verdicts by range and version: a big tree asks the same few thousand pairs again and again. */
const verdicts = new Map<string, boolean>();

/**
 * Whether `version` is in `range`, pre-releases included (as pnpm and Yarn count them); a spec that
 * is no range (a tag, a URL, a protocol of the manager's own) names where the copy came from and is
 * not judged.
 */
export function rangeSatisfied(version: string, range: string): boolean {
  const key = `${range}\0${version}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = semver.validRange(range, true) === null || semver.satisfies(version, range, { loose: true, includePrerelease: true });
    if (verdicts.size > 100_000) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
}
