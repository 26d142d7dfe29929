import { edgeAt, nodeAt } from './graph';
import type { EdgeProblem, EdgeType, TreeGraph } from './types';

/** One dependency of a package as a tree view shows it: the edge, and the copy it resolves to. */
export interface TreeEntry {
  /** The copy this dependency resolves to, `null` when it is missing. */
  node: number | null;
  name: string;
  /** `null` when missing. */
  version: string | null;
  location: string | null;
  spec: string;
  type: EdgeType;
  problem: EdgeProblem | null;
  /** How many dependencies the resolved copy has in turn (0 when missing). */
  childCount: number;
}

/**
 * The dependencies of one package, sorted by name, for views that expand a tree one level at a time
 * (the CLI's `tree`, the editor's tree view). Optional dependencies that are not installed are left
 * out, as npm ls leaves them out.
 */
export function childrenOf(graph: TreeGraph, nodeId: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const edgeId of nodeAt(graph, nodeId).edgesOut) {
    const edge = edgeAt(graph, edgeId);
    if (edge.to === null && edge.problem === null) continue;
    const to = edge.to === null ? null : nodeAt(graph, edge.to);
    entries.push({
      node: edge.to,
      name: edge.name,
      version: to?.version ?? null,
      location: to?.location ?? null,
      spec: edge.spec,
      type: edge.type,
      problem: edge.problem,
      childCount: to ? to.edgesOut.length : 0,
    });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
