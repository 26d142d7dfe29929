import { describeNode, nodeAt } from './graph';
import type { DependencyEdge, PackageManagerName, PackageNode, TreeGraph } from './types';

/**
 * How each package manager words a problem in its own output (`npm ls`/ERESOLVE, pnpm's peer
 * report, `yarn check` and Yarn classic's install warnings, Yarn Berry's YN codes, Bun's warnings),
 * so a finding reads like what the user's own tool says about the same tree.
 */
export interface ManagerWords {
  /** A dependency nothing in the tree provides. */
  missing(graph: TreeGraph, edge: DependencyEdge): string;
  /** A peer nothing provides: npm installs peers, so it is an error there; the others leave them to the user. */
  missingPeer(graph: TreeGraph, edge: DependencyEdge): { message: string; severity: 'error' | 'warning' };
  /** A copy outside the range its dependents declare. */
  invalid(graph: TreeGraph, copy: PackageNode, edges: DependencyEdge[]): string;
  /** A peer resolved to a copy outside the peer range; `foundBecause` says who brought the copy. */
  peer(graph: TreeGraph, found: PackageNode, edges: DependencyEdge[], foundBecause: string): string;
}

const ISOLATE = 'Isolate one side in a namespace to keep both.';

const npm: ManagerWords = {
  missing: (graph, edge) =>
    `Missing ${edge.type === 'peer' ? 'peer dependency' : 'dependency'}: ${fromCopy(graph, edge)} needs ${edge.name}@"${edge.spec}", which is not installed${where(graph)}. Run the install again.`,
  missingPeer: (graph, edge) => ({ message: npm.missing(graph, edge), severity: 'error' }),
  invalid: (graph, copy, edges) => `Invalid: ${copy.name}@${copy.version} is installed at ${copy.location}${where(graph)}, but ${needs(graph, edges)}.`,
  peer: (graph, found, edges, foundBecause) =>
    `Peer conflict (npm: ERESOLVE)${where(graph)}. Found: ${found.name}@${found.version} at ${found.location}, from ${foundBecause}. Could not resolve dependency: ${edges
      .map((e) => `peer ${e.name}@"${e.spec}" from ${from(graph, e)}${e.problem === 'PEER LOCAL' ? ' (installed in its own node_modules, so it is not shared)' : ''}`)
      .join('; ')}. ${ISOLATE}`,
};

const pnpm: ManagerWords = {
  missing: (graph, edge) => `Missing dependency (pnpm): ${fromCopy(graph, edge)} needs ${edge.name}@"${edge.spec}", which is not in node_modules/.pnpm. Run pnpm install.`,
  missingPeer: (graph, edge) => ({
    message: `Missing peer (pnpm): ${from(graph, edge)} ✕ missing peer ${edge.name}@"${edge.spec}". Add it to the project, or list it in peerDependencyRules.ignoreMissing.`,
    severity: 'warning',
  }),
  invalid: (graph, copy, edges) =>
    `Outdated lockfile (pnpm: ERR_PNPM_OUTDATED_LOCKFILE): ${copy.name}@${copy.version} is installed at ${copy.location}, but ${needs(graph, edges)}. Run pnpm install.`,
  peer: (graph, found, edges, foundBecause) =>
    `Unmet peer (pnpm): ${edges.map((e) => `${from(graph, e)} ✕ unmet peer ${e.name}@${e.spec}: found ${found.version}`).join('; ')}. The copy is ${found.name}@${found.version} at ${found.location}, from ${foundBecause}. ${ISOLATE} pnpm's peerDependencyRules.allowedVersions can accept it instead.`,
};

const yarnClassic: ManagerWords = {
  missing: (graph, edge) => `Missing (yarn check: "${checkName(graph, edge)}" not installed): ${fromCopy(graph, edge)} needs ${edge.name}@"${edge.spec}". Run yarn install.`,
  missingPeer: (graph, edge) => ({
    message: `Unmet peer (Yarn: "${from(graph, edge)}" has unmet peer dependency "${edge.name}@${edge.spec}"). Yarn does not install peers: add it to package.json.`,
    severity: 'warning',
  }),
  invalid: (graph, copy, edges) =>
    `Invalid (yarn check: ${edges.map((e) => `"${checkName(graph, e)}@${e.spec}" doesn't satisfy found match of "${copy.name}@${copy.version}"`).join('; ')}): the copy is at ${copy.location}. Run yarn install.`,
  peer: (graph, found, edges, foundBecause) =>
    `Incorrect peer (Yarn: ${edges.map((e) => `"${from(graph, e)}" has incorrect peer dependency "${e.name}@${e.spec}"`).join('; ')}). Found: ${found.name}@${found.version} at ${found.location}, from ${foundBecause}. ${ISOLATE}`,
};

const yarnBerry: ManagerWords = {
  missing: (graph, edge) => `Missing (Yarn): ${fromCopy(graph, edge)} needs ${edge.name}@"${edge.spec}", which the install does not provide. Run yarn install.`,
  missingPeer: (graph, edge) => ({
    message: `Missing peer (Yarn: YN0002): ${edge.name} is not provided to ${from(graph, edge)}, which requests ${edge.name}@"${edge.spec}". Add it where ${from(graph, edge)} is depended on.`,
    severity: 'warning',
  }),
  invalid: (graph, copy, edges) =>
    `Outdated install (Yarn: YN0028, the lockfile would be modified): ${copy.name}@${copy.version} is installed at ${copy.location}, but ${needs(graph, edges)}. Run yarn install.`,
  peer: (graph, found, edges, foundBecause) =>
    `Incompatible peer (Yarn: YN0060): ${edges.map((e) => `${found.name} is provided with version ${found.version}, which doesn't satisfy what ${nodeAt(graph, e.from).name} requests (${e.spec})`).join('; ')}. The copy is at ${found.location}, from ${foundBecause}. ${ISOLATE}`,
};

const bun: ManagerWords = {
  missing: (graph, edge) => `Missing dependency (Bun): ${fromCopy(graph, edge)} needs ${edge.name}@"${edge.spec}", which is not installed. Run bun install.`,
  missingPeer: (graph, edge) => ({ message: bun.missing(graph, edge), severity: 'warning' }),
  invalid: (graph, copy, edges) => `Invalid (Bun): ${copy.name}@${copy.version} is installed at ${copy.location}, but ${needs(graph, edges)}. Run bun install.`,
  peer: (graph, found, edges, foundBecause) =>
    `Incorrect peer dependency (Bun: incorrect peer dependency "${found.name}@${found.version}"): ${edges.map((e) => `${from(graph, e)} needs peer ${e.name}@"${e.spec}"`).join('; ')}. Found at ${found.location}, from ${foundBecause}. ${ISOLATE}`,
};

const WORDS: Record<PackageManagerName, ManagerWords> = { npm, pnpm, 'yarn-classic': yarnClassic, 'yarn-berry': yarnBerry, bun };

export function wordsOf(graph: TreeGraph): ManagerWords {
  return WORDS[graph.manager];
}

function from(graph: TreeGraph, edge: DependencyEdge): string {
  return describeNode(nodeAt(graph, edge.from));
}

/** The dependent named so that two copies of one version tell apart: `a@1.0.0 at node_modules/b/node_modules/a`. */
function fromCopy(graph: TreeGraph, edge: DependencyEdge): string {
  const node = nodeAt(graph, edge.from);
  return node.isRoot ? describeNode(node) : `${describeNode(node)} at ${node.location}`;
}

function needs(graph: TreeGraph, edges: DependencyEdge[]): string {
  return edges.map((e) => `${from(graph, e)} needs "${e.spec}"`).join('; ');
}

/** `yarn check` names a dependency by its path: `parent#child`, or the name alone for the project's own. */
function checkName(graph: TreeGraph, edge: DependencyEdge): string {
  const parent = nodeAt(graph, edge.from);
  return parent.isRoot ? edge.name : `${parent.name}#${edge.name}`;
}

export function where(graph: TreeGraph): string {
  return graph.namespace === null ? '' : ` in namespace "${graph.namespace}"`;
}
