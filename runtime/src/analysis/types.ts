import type { ProjectConfig } from '../config';
import type { NamespaceState } from '../install';

/**
 * The dependency graph Multiverse analyses, in a plain, JSON-serialisable form. Arborist's own tree
 * is dropped after loading: it keeps every package.json and several indexes alive, which is more
 * memory than a language server should hold per workspace folder, and it cannot cross an RPC
 * boundary. Nodes and edges refer to each other by index into `TreeGraph.nodes` / `TreeGraph.edges`.
 */

/** How an edge was declared, as arborist names the package.json field it came from. */
export type EdgeType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' | 'workspace';

/** Arborist's verdict on an edge: `null` when the dependency is met. */
export type EdgeProblem = 'MISSING' | 'INVALID' | 'PEER LOCAL' | 'DETACHED';

export interface PackageNode {
  /** Index in `TreeGraph.nodes`. */
  id: number;
  /** The package's name from its package.json (for an aliased install, the real name). */
  name: string;
  /** The name it is installed under in node_modules (differs from `name` for `npm:` aliases). */
  installedAs: string;
  /** `''` when the package.json has no version (only the project root, usually). */
  version: string;
  /** Slash-separated location relative to the tree's root folder, `''` for the root. */
  location: string;
  /** Absolute real path of the package folder. */
  path: string;
  isRoot: boolean;
  isWorkspace: boolean;
  /** Present in node_modules but nothing depends on it. */
  extraneous: boolean;
  dev: boolean;
  optional: boolean;
  peer: boolean;
  /** Indexes into `TreeGraph.edges` of the dependencies this package declares. */
  edgesOut: number[];
  /** Indexes into `TreeGraph.edges` of the dependencies that resolve to this package. */
  edgesIn: number[];
}

export interface DependencyEdge {
  /** Index in `TreeGraph.edges`. */
  id: number;
  from: number;
  /** `null` when nothing in the tree satisfies the name (a missing or optional dependency). */
  to: number | null;
  name: string;
  /** The range (or other npm spec) as written in the dependent's package.json. */
  spec: string;
  type: EdgeType;
  problem: EdgeProblem | null;
}

/** Where a tree came from: the folders on disk, only the lockfile, or nothing to read at all. */
export type TreeSource = 'actual' | 'virtual' | 'manifest-only';

/**
 * The package manager that installed a tree, whose view of it the analysis takes: what counts as a
 * dependency, how peers resolve, and the words findings use. Namespace trees are always `npm`'s
 * (arborist installs them, whatever manages the app).
 */
export type PackageManagerName = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';

export interface TreeGraph {
  /** `null` for the project's main tree, otherwise the namespace name. */
  namespace: string | null;
  /** Absolute path of the folder holding this tree's package.json. */
  root: string;
  source: TreeSource;
  manager: PackageManagerName;
  nodes: PackageNode[];
  edges: DependencyEdge[];
}

export type ConflictKind =
  | 'invalid'
  | 'missing'
  | 'peer'
  | 'singleton'
  | 'namespace-not-installed'
  | 'namespace-stale'
  | 'namespace-orphaned'
  | 'main-tree-leftover'
  | 'ambiguous'
  | 'declared-twice';

/** A package that depends on the conflicting package, as `npm ls` and ERESOLVE name them. */
export interface Dependent {
  name: string;
  version: string;
  /** Location of the dependent in its tree (`''` is the project root). */
  location: string;
  /** What it asked for. */
  spec: string;
  type: EdgeType;
}

/**
 * A place in a manifest the user can edit to fix a conflict: a key in package.json or
 * multiverse.json. The server turns it into a diagnostic range; the CLI prints it.
 */
export interface ConflictAnchor {
  /** Absolute path of the manifest file. */
  file: string;
  /** JSON path of the property, e.g. `['dependencies', 'react']` or `['namespaces', 'legacy']`. */
  jsonPath: string[];
}

export interface Conflict {
  kind: ConflictKind;
  severity: 'error' | 'warning';
  /** The package the conflict is about (for namespace problems, the namespace name). */
  package: string;
  /** `null` for the main tree. */
  namespace: string | null;
  /** Versions involved: installed copies, or the versions the dependents need. */
  versions: string[];
  dependents: Dependent[];
  /** Locations of the copies involved, relative to their tree's root. */
  locations: string[];
  /** Absolute paths of the copies (package folders) the finding is about, or of the namespace's tree. */
  paths: string[];
  /**
   * The manifest entries that lead to the conflict, the one that causes it first (an editor puts its
   * diagnostic there and shows the others as related); empty when none can be pointed at.
   */
  anchors: ConflictAnchor[];
  /** One paragraph in npm's words, naming versions and dependents. */
  message: string;
}

/** How a namespace from multiverse.json stands on disk, as the installer's fingerprints tell. */
export type { NamespaceState };

export interface NamespaceSummary {
  name: string;
  state: NamespaceState;
  /** For a stale namespace, which input changed since it was installed. */
  staleReason: string | null;
  /** Absolute path of `.multiverse/<name>`. */
  root: string;
  dependencies: Record<string, string>;
  shared: string[];
  scope: string[];
}

export interface ProjectAnalysis {
  projectDir: string;
  /** The main tree; its root is the project's package.json (a `manifest-only` empty tree without one). */
  main: TreeGraph;
  /** One tree per installed namespace. */
  namespaces: TreeGraph[];
  namespaceSummaries: NamespaceSummary[];
  /** Absolute path of multiverse.json, or `null` when the project has none. */
  configFile: string | null;
  /** The validated multiverse.json, or `null` when the project has none. */
  config: ProjectConfig | null;
  conflicts: Conflict[];
}
