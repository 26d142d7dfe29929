/**
 * The Multiverse extensions to LSP: request and notification types shared by the server and every
 * client (the VS Code extension imports this file). Self-contained on purpose: only protocol types,
 * so a client can import it without pulling in the runtime or the analysis.
 */
import { NotificationType, RequestType, type CodeAction, type Position, type Range, type TextDocumentIdentifier } from 'vscode-languageserver-protocol';

/** Commands the server executes (`workspace/executeCommand`); code actions refer to them. */
export const Commands = {
  /** Arguments: `[InstallArguments]`. Installs namespaces with work-done progress. */
  installNamespaces: 'multiverse.installNamespaces',
  /**
   * Arguments: `[IsolationArguments]`. Completes an "Isolate dependency" or "Move back to the main
   * tree" whose edit the client has applied: saves the edited files (unless the client already
   * did), installs the namespace and brings the app's own tree in line, with work-done progress.
   */
  completeIsolation: 'multiverse.completeIsolation',
} as const;

/** A file an isolation edits: its text before and after the edit (`before` is `null` for a new file). */
export interface IsolationFileEdit {
  before: string | null;
  after: string;
}

export interface IsolationArguments {
  /** The workspace folder's URI. */
  folder: string;
  action: 'isolate' | 'move-back';
  package: string;
  namespace: string;
  /** The edit the code action carried, so the server saves exactly what the user accepted. */
  packageJson: IsolationFileEdit;
  config: IsolationFileEdit;
}

export interface IsolationActionParams {
  /** The workspace folder's URI. */
  folder: string;
  /** A dependency of the folder's package.json. */
  package: string;
  /** The namespace to move it into; by default the one that already declares it, else `<package>-<major>`. */
  namespace?: string;
}

/**
 * `multiverse/isolationAction`: the "Isolate dependency" code action for a dependency, the very one
 * the light bulb offers on its package.json entry (an edit, and the command that completes it), for
 * commands that isolate by name. A refused isolation comes back with `disabled.reason` saying why.
 */
export const IsolationActionRequest = new RequestType<IsolationActionParams, CodeAction, void>('multiverse/isolationAction');

export interface InstallArguments {
  /** The workspace folder's URI. */
  folder: string;
  /**
   * Install exactly these namespaces with these dependencies, without waiting for multiverse.json to
   * be saved (an Isolate edit lives in an unsaved buffer until the user saves). Omitted: install
   * every namespace as multiverse.json on disk declares them.
   */
  namespaces?: Record<string, Record<string, string>>;
}

export type NamespaceState = 'installed' | 'stale' | 'missing';

export interface NamespaceInfo {
  name: string;
  state: NamespaceState;
  /** For a stale namespace, which input changed since it was installed. */
  staleReason: string | null;
  /** URI of `.multiverse/<name>`. */
  root: string;
  dependencies: Record<string, string>;
  shared: string[];
  scope: string[];
  /** Installed packages in the namespace's tree (0 when not installed). */
  packageCount: number;
}

export interface FolderNamespaces {
  /** The workspace folder's URI. */
  folder: string;
  /** URI of multiverse.json, or `null` when the folder has none. */
  config: string | null;
  /** Packages in the main tree. */
  mainPackageCount: number;
  namespaces: NamespaceInfo[];
}

export interface NamespacesParams {
  /** Limit the answer to one workspace folder (its URI); all folders when omitted. */
  folder?: string;
}

export interface NamespacesResult {
  folders: FolderNamespaces[];
}

/** `multiverse/namespaces`: every namespace of every workspace folder, with its install state. */
export const NamespacesRequest = new RequestType<NamespacesParams, NamespacesResult, void>('multiverse/namespaces');

export interface TreeParams {
  /** The workspace folder's URI. */
  folder: string;
  /** `null` or omitted for the main tree. */
  namespace?: string | null;
  /** The package whose dependencies to list (an `id` from an earlier answer); the tree's root when omitted. */
  parent?: number;
  /** Paging for packages with many dependencies. */
  offset?: number;
  /** At most this many items (default 200, at most 1000). */
  limit?: number;
}

export interface TreeItem {
  /** Node id to pass as `parent` to expand this item; `null` when the dependency is missing. */
  id: number | null;
  name: string;
  version: string | null;
  /** What the dependent asked for. */
  spec: string;
  type: 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' | 'workspace';
  problem: 'MISSING' | 'INVALID' | 'PEER LOCAL' | 'DETACHED' | null;
  /** URI of the package folder. */
  uri: string | null;
  childCount: number;
}

export interface TreeResult {
  items: TreeItem[];
  /** Dependencies of `parent` in all. */
  total: number;
  /** Offset of the next page, `null` on the last one. */
  nextOffset: number | null;
  /** Changes whenever the folder is re-analysed; ids from an older generation are stale. */
  generation: number;
}

/** `multiverse/tree`: one level of a dependency tree, paged, for lazy tree views. */
export const TreeRequest = new RequestType<TreeParams, TreeResult, void>('multiverse/tree');

export interface ConflictLocation {
  uri: string;
  range: Range;
}

export interface ConflictItem {
  kind: 'invalid' | 'missing' | 'peer' | 'singleton' | 'namespace-not-installed' | 'namespace-stale' | 'namespace-orphaned' | 'main-tree-leftover' | 'ambiguous' | 'declared-twice';
  severity: 'error' | 'warning';
  package: string;
  namespace: string | null;
  versions: string[];
  dependents: { name: string; version: string; spec: string; type: string }[];
  message: string;
  /** Where the conflict can be fixed (manifest entries), the entry that causes it first, for "go to" in a conflicts view. */
  locations: ConflictLocation[];
  /** URIs of the package copies (folders) the conflict is about. */
  copies: string[];
}

export interface ConflictsParams {
  /** Limit the answer to one workspace folder (its URI); all folders when omitted. */
  folder?: string;
}

export interface ConflictsResult {
  /** `node`: the Node version the folder's answers follow (see {@link NodeInfo}). */
  folders: { folder: string; conflicts: ConflictItem[]; node: NodeInfo }[];
}

/**
 * The Node that runs a workspace folder's program, whose rules (conditions, imports rules) every
 * answer about the folder follows.
 */
export interface NodeInfo {
  /** "24.22.3", or a line ("22") when only a hint named one. */
  version: string;
  /** Where the version came from: a setting, the node on the PATH, a hint file, or the editor's own Node. */
  source: string;
  /** Settings or executables that were tried first and failed, with why. */
  problems?: string[];
  /** Version hints in the project (.nvmrc, .node-version, engines.node, volta.node) and whether `version` meets each (null: not a version). */
  hints: { source: string; value: string; satisfied: boolean | null }[];
}

/** The `multiverse.node` settings: the project's Node executable, or its version. */
export interface NodeSettings {
  path?: string;
  version?: string;
}

/** `multiverse/conflicts`: every conflict of every workspace folder. */
export const ConflictsRequest = new RequestType<ConflictsParams, ConflictsResult, void>('multiverse/conflicts');

/** Resolve the import under the cursor, or a specifier as if imported from `uri`. */
export type ResolveParams = { textDocument: TextDocumentIdentifier; position: Position } | { uri: string; specifier: string };

export interface PackageCopy {
  namespace: string | null;
  version: string;
  uri: string;
}

/** The tree a resolved file comes from: the app's own (with built-ins), a namespace's, or an isolated extension's. */
export type TreeKind = 'main' | 'namespace' | 'extension';

export interface ResolveResult {
  specifier: string;
  /** Namespace whose tree serves the import; `null` for the main tree and extension trees. */
  namespace: string | null;
  kind: TreeKind;
  /** The namespace's or extension's name; `null` for the main tree. */
  owner: string | null;
  packageName: string | null;
  version: string | null;
  /** URI of the file the import loads (`node:<name>` for built-ins). */
  uri: string;
  builtin: boolean;
  format: 'commonjs' | 'module' | 'json' | 'builtin' | 'addon' | 'wasm';
  /** Dependency chains that put this copy there, root first, e.g. `(root) > a@1.0.0 > b@2.0.0`. */
  chains: string[];
  /** Other installed copies of the same package in the project. */
  otherCopies: PackageCopy[];
  /** The rules of the answer: the project's Node, the loader and the conditions it matches. */
  rules: { node: string; loader: 'require' | 'import'; conditions: string[] };
}

/** `multiverse/resolve`: which copy an import loads; `null` when there is no import at the position. */
export const ResolveRequest = new RequestType<ResolveParams, ResolveResult | null, void>('multiverse/resolve');

/** Sent after every (re-)analysis of a workspace folder, so views can refresh. */
export const AnalysisChangedNotification = new NotificationType<{ folder: string; generation: number; conflicts: number }>('multiverse/analysisChanged');

export interface RuntimeVersionParams {
  /** The workspace folder's URI. */
  folder: string;
  /** The `multiverse` version the folder's program runs (its installed package). */
  workspace: string;
  /** The version bundled into the server, which does the analysis. */
  bundled: string;
  /** A sentence explaining the difference, for a tooltip. */
  message: string;
}

/** Sent once per folder and installed version when the folder's `multiverse` differs from the server's own. */
export const RuntimeVersionNotification = new NotificationType<RuntimeVersionParams>('multiverse/runtimeVersion');
