import { stateLabels } from './namespace-nodes';
import type { ConflictItem, FolderNamespaces, NamespaceState, TreeItem } from './protocol';

/** Everything the graph webview draws, positioned: media/graph.js only renders it. */
export interface GraphData {
  width: number;
  height: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphNode {
  id: string;
  kind: 'tree' | 'package';
  label: string;
  detail: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Tree nodes: the namespace's install state; the main tree is always installed. */
  state: NamespaceState;
  /** A conflict names this package in this tree. */
  conflict: boolean;
  /** Several trees hold this package (at any versions). */
  duplicated: boolean;
  /** What clicking the node opens (a package's package.json). */
  uri: string | null;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** `shared`: a namespace uses the main tree's copy of the package instead of its own. */
  kind: 'holds' | 'shared';
}

export interface GraphInput {
  folder: FolderNamespaces;
  /** Direct dependencies of each tree's root, keyed by namespace name; `''` is the main tree. */
  packages: ReadonlyMap<string, readonly TreeItem[]>;
  conflicts: readonly ConflictItem[];
}

export const Layout = {
  treeWidth: 180,
  packageWidth: 220,
  nodeHeight: 34,
  rowGap: 10,
  blockGap: 28,
  columnGap: 160,
  margin: 20,
} as const;

const MAIN = '';

/**
 * Two columns: trees (the main tree, then namespaces by name) on the left, each tree's packages
 * stacked on the right in a block beside it. A namespace's `shared` packages are edges to the main
 * tree's copy rather than nodes of their own, which is how the runtime loads them.
 */
export function buildGraph(input: GraphInput): GraphData {
  const trees = [{ name: MAIN, state: 'installed' as NamespaceState, shared: [] as string[] }, ...[...input.folder.namespaces].sort((a, b) => a.name.localeCompare(b.name))];
  const holders = new Map<string, Set<string>>();
  for (const [tree, items] of input.packages) for (const item of items) holders.set(item.name, (holders.get(item.name) ?? new Set()).add(tree));
  const conflicted = new Set(input.conflicts.map((c) => conflictKey(c.namespace ?? MAIN, c.package)));

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const packageX = Layout.margin + Layout.treeWidth + Layout.columnGap;
  let y = Layout.margin;
  for (const tree of trees) {
    const items = [...(input.packages.get(tree.name) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    const rows = Math.max(1, items.length);
    const blockHeight = rows * Layout.nodeHeight + (rows - 1) * Layout.rowGap;
    const treeId = treeNodeId(tree.name);
    nodes.push({
      id: treeId,
      kind: 'tree',
      label: tree.name === MAIN ? 'main tree' : tree.name,
      detail: tree.name === MAIN ? `${input.folder.mainPackageCount} packages` : stateLabels[tree.state],
      x: Layout.margin,
      y: y + (blockHeight - Layout.nodeHeight) / 2,
      width: Layout.treeWidth,
      height: Layout.nodeHeight,
      state: tree.state,
      conflict: input.conflicts.some((c) => c.namespace === (tree.name === MAIN ? null : tree.name) && c.kind.startsWith('namespace-')),
      duplicated: false,
      uri: null,
    });
    items.forEach((item, row) => {
      const id = packageNodeId(tree.name, item.name);
      nodes.push({
        id,
        kind: 'package',
        label: item.name,
        detail: item.version ?? `missing (${item.spec})`,
        x: packageX,
        y: y + row * (Layout.nodeHeight + Layout.rowGap),
        width: Layout.packageWidth,
        height: Layout.nodeHeight,
        state: 'installed',
        conflict: item.problem !== null || conflicted.has(conflictKey(tree.name, item.name)),
        duplicated: (holders.get(item.name)?.size ?? 0) > 1,
        uri: item.uri === null ? null : `${item.uri.replace(/\/+$/, '')}/package.json`,
      });
      edges.push({ from: treeId, to: id, kind: 'holds' });
    });
    y += blockHeight + Layout.blockGap;
  }
  for (const tree of trees) {
    for (const name of tree.shared) {
      const target = packageNodeId(MAIN, name);
      if (nodes.some((n) => n.id === target)) edges.push({ from: treeNodeId(tree.name), to: target, kind: 'shared' });
    }
  }
  return { width: packageX + Layout.packageWidth + Layout.margin, height: Math.max(y - Layout.blockGap + Layout.margin, Layout.margin * 2 + Layout.nodeHeight), nodes, edges };
}

function treeNodeId(tree: string): string {
  return `tree:${tree}`;
}

function packageNodeId(tree: string, name: string): string {
  return `package:${tree}:${name}`;
}

function conflictKey(tree: string, name: string): string {
  return `${tree}\0${name}`;
}
