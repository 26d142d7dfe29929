import type { ConflictItem, FolderNamespaces, NamespaceInfo, NodeInfo, TreeItem } from '../../server/src/protocol';

// Server answers as the custom requests return them, built field by field so each test states
// only what it is about.

export const FOLDER = 'file:///work/app';

export const NODE: NodeInfo = { version: '24.22.3', source: 'node on the PATH (/usr/local/bin/node)', hints: [] };

export function namespaceInfo(name: string, overrides: Partial<NamespaceInfo> = {}): NamespaceInfo {
  return { name, state: 'installed', staleReason: null, root: `${FOLDER}/.multiverse/${name}`, dependencies: {}, shared: [], scope: [], packageCount: 0, ...overrides };
}

export function folderNamespaces(namespaces: NamespaceInfo[], overrides: Partial<FolderNamespaces> = {}): FolderNamespaces {
  return { folder: FOLDER, config: `${FOLDER}/multiverse.json`, mainPackageCount: 12, namespaces, ...overrides };
}

export function treeItem(name: string, overrides: Partial<TreeItem> = {}): TreeItem {
  return { id: 1, name, version: '1.0.0', spec: '^1.0.0', type: 'prod', problem: null, uri: `${FOLDER}/node_modules/${name}`, childCount: 0, ...overrides };
}

export function conflict(pkg: string, overrides: Partial<ConflictItem> = {}): ConflictItem {
  return { kind: 'peer', severity: 'error', package: pkg, namespace: null, versions: [], dependents: [], message: `${pkg} conflicts`, locations: [], copies: [], ...overrides };
}
