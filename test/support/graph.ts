import type { TreeGraph } from 'multiverse/tooling';

/** A tree as comparable text: every package and every edge with its verdict, sorted. */
export function canonical(graph: TreeGraph): { nodes: string[]; edges: string[] } {
  const at = (id: number | null): string => (id === null ? '-' : (graph.nodes[id]?.location ?? '?'));
  return {
    nodes: graph.nodes.map((n) => [n.location, n.name, n.installedAs, n.version, n.isRoot, n.isWorkspace, n.extraneous].join('|')).sort(),
    edges: graph.edges.map((e) => [at(e.from), e.name, e.spec, e.type, at(e.to), e.problem ?? ''].join('|')).sort(),
  };
}
