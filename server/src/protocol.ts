/**
 * The Multiverse extensions to LSP: request and notification types shared by the server and every
 * client (the VS Code extension imports this file). Self-contained on purpose: only protocol types,
 * so a client can import it without pulling in the runtime or the analysis.
 */
import { NotificationType, RequestType, type Position, type Range, type TextDocumentIdentifier } from 'vscode-languageserver-protocol';

/** Commands the server executes (`workspace/executeCommand`); code actions refer to them. */
export const Commands = {
  /** Arguments: `[InstallArguments]`. Installs namespaces with work-done progress. */
  installNamespaces: 'multiverse.installNamespaces',
} as const;

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
  kind: 'invalid' | 'missing' | 'peer' | 'singleton' | 'namespace-not-installed' | 'namespace-stale' | 'ambiguous' | 'declared-twice';
  severity: 'error' | 'warning';
  package: string;
  namespace: string | null;
  versions: string[];
  dependents: { name: string; version: string; spec: string; type: string }[];
  message: string;
  /** Where the conflict can be fixed (manifest entries), for "go to" in a conflicts view. */
  locations: ConflictLocation[];
}

export interface ConflictsParams {
  /** Limit the answer to one workspace folder (its URI); all folders when omitted. */
  folder?: string;
}

export interface ConflictsResult {
  folders: { folder: string; conflicts: ConflictItem[] }[];
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

export interface ResolveResult {
  specifier: string;
  /** Namespace whose tree serves the import; `null` for the main tree. */
  namespace: string | null;
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
