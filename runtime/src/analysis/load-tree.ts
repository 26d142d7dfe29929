import type Arborist from '@npmcli/arborist';
import { readFile, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { detectPackageManager } from '../package-manager';
import { loadBunTree } from './bun-tree';
import { loadFromHiddenLockfile } from './lockfile-tree';
import { readManifest } from './manifest';
import { loadPnpmTree } from './pnpm-tree';
import type { DependencyEdge, EdgeProblem, EdgeType, PackageManagerName, PackageNode, TreeGraph, TreeSource } from './types';
import { loadYarnBerryTree } from './yarn-berry-tree';

/**
 * Loaded on first use: requiring arborist takes ~180 ms that `require('multiverse')` and every CLI
 * command would otherwise pay, and the hidden-lockfile route of {@link loadTree} rarely needs it.
 */
async function arboristClass(): Promise<typeof Arborist> {
  return (await import('@npmcli/arborist')).default;
}

/**
 * Loads the dependency tree rooted at `dir` and converts it to a {@link TreeGraph}, as the package
 * manager that installed it sees it (see {@link detectPackageManager}); namespace trees are npm's.
 *
 * npm: the folders on disk win when `node_modules` exists: from npm's hidden lockfile when arborist
 * finds it fresh (see {@link loadFromHiddenLockfile}), else by arborist's `loadActual` (with
 * `forceActual`, always by walking the folders); without `node_modules` the
 * lockfile describes what an install would produce (`loadVirtual`); without either, only the root
 * manifest is read and every dependency shows as missing, which is what `npm ls` says too.
 * pnpm, Yarn Berry and Bun: from their own lockfiles and install records (see
 * {@link loadManagerTree}); Yarn classic, pnpm's `hoisted` layout and anything those records do not
 * cover: by arborist's walk of node_modules, which is an npm-like layout there.
 *
 * A new Arborist every call: `loadActual` memoises its result on the instance, so a reused one would
 * keep answering with the tree from before the change being analysed.
 */
export async function loadTree(dir: string, namespace: string | null, options: { forceActual?: boolean } = {}): Promise<TreeGraph> {
  const root = path.resolve(dir);
  const manifest = await readManifest(path.join(root, 'package.json'));
  const manager = namespace === null ? (await detectPackageManager(root, manifest)).name : 'npm';
  if (manager !== 'npm') {
    const graph = await loadManagerTree(await realpath(root), manager, manifest ?? {});
    if (graph) return graph;
  }
  let source: TreeSource = 'actual';
  let tree: Arborist.Node;
  // Folder dependencies installed as copies (install-links, as namespace trees are) are valid only as copies.
  const installLinks = await readsInstallLinks(root);
  if (await isDirectory(path.join(root, 'node_modules'))) {
    if (!options.forceActual && manager === 'npm') {
      // Real paths, as arborist's nodes and the resolver report them.
      const fast = await loadFromHiddenLockfile(await realpath(root), namespace, manifest ?? {}, installLinks);
      if (fast) return fast;
    }
    tree = await new (await arboristClass())({ path: root, installLinks }).loadActual({ forceActual: options.forceActual ?? false } as Arborist.Options);
  } else {
    // Arborist reads npm's lockfile only; another manager's tree without its records is its manifest.
    const virtual = manager === 'npm' ? await loadVirtual(root, installLinks) : null;
    source = virtual ? 'virtual' : 'manifest-only';
    tree = virtual ?? (await new (await arboristClass())({ path: root, installLinks }).loadActual());
  }
  return toGraph(tree, namespace, root, source, manager);
}

/** The graph from a package manager's own records, or `null` when they are not there to read. */
async function loadManagerTree(root: string, manager: PackageManagerName, manifest: Record<string, unknown>): Promise<TreeGraph | null> {
  switch (manager) {
    case 'pnpm':
      return loadPnpmTree(root, manifest);
    case 'yarn-berry':
      return loadYarnBerryTree(root, manifest);
    case 'bun':
      return loadBunTree(root, manifest);
    default:
      return null;
  }
}

/** The tree npm's lockfile describes, or `null` when there is no lockfile. */
async function loadVirtual(root: string, installLinks: boolean): Promise<Arborist.Node | null> {
  try {
    return await new (await arboristClass())({ path: root, installLinks }).loadVirtual();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOLOCK') return null;
    throw error;
  }
}

/** Whether the tree's own .npmrc sets `install-links=true` (the installer writes it into namespace trees). */
async function readsInstallLinks(root: string): Promise<boolean> {
  try {
    return /^\s*install-links\s*=\s*true\s*$/m.test(await readFile(path.join(root, '.npmrc'), 'utf8'));
  } catch {
    return false;
  }
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Copies what the analysis needs out of arborist's tree. Links (workspaces, `file:` and `link:`
 * dependencies) are folded into their targets, so an edge always points at a real package folder,
 * which is what Node loads.
 */
function toGraph(tree: Arborist.Node, namespace: string | null, root: string, source: TreeSource, manager: PackageManagerName): TreeGraph {
  const nodes: PackageNode[] = [];
  const edges: DependencyEdge[] = [];
  const ids = new Map<Arborist.Node, number>();

  const idOf = (input: Arborist.Node): number => {
    const node = input.isLink ? input.target : input;
    const known = ids.get(node);
    if (known !== undefined) return known;
    const id = nodes.length;
    ids.set(node, id);
    nodes.push({
      id,
      name: node.packageName || node.name,
      installedAs: node.name,
      version: node.version ?? '',
      location: node.location,
      path: node.realpath,
      isRoot: node === tree,
      isWorkspace: node.isWorkspace,
      extraneous: node.extraneous,
      dev: node.dev,
      optional: node.optional,
      peer: node.peer,
      edgesOut: [],
      edgesIn: [],
    });
    return id;
  };

  idOf(tree);
  for (const node of tree.inventory.values()) {
    // A link without a target is a dangling symlink: nothing Node could load, nothing to analyse.
    if (node.isLink && !node.target) continue;
    idOf(node);
  }
  // Edges are collected after every node has an id so that edge order follows node order.
  for (const [node, from] of ids) {
    for (const edge of node.edgesOut.values()) {
      const id = edges.length;
      const to = edge.to && (!edge.to.isLink || edge.to.target) ? idOf(edge.to) : null;
      edges.push({ id, from, to, name: edge.name, spec: edge.spec, type: edge.type as EdgeType, problem: edge.error as EdgeProblem | null });
      nodes[from]?.edgesOut.push(id);
      if (to !== null) nodes[to]?.edgesIn.push(id);
    }
  }
  return { namespace, root, source, manager, nodes, edges };
}
