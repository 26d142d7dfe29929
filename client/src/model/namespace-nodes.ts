import { Colors, plural, type NodeView } from './node-view';
import type { FolderNamespaces, NamespaceInfo, NamespacesResult, TreeItem, TreeResult } from './protocol';

/** The nodes of the Namespaces view. `namespace: null` is the project's main tree. */
export type NamespaceNode =
  | { kind: 'folder'; folder: FolderNamespaces }
  | { kind: 'namespace'; folder: string; info: NamespaceInfo }
  | { kind: 'main'; folder: string; packageCount: number }
  | { kind: 'package'; folder: string; namespace: string | null; item: TreeItem; generation: number }
  | { kind: 'more'; folder: string; namespace: string | null; parent: number | undefined; offset: number; remaining: number };

/** One workspace folder shows its trees directly; several get a level each. */
export function rootNodes(result: NamespacesResult): NamespaceNode[] {
  const [only, ...others] = result.folders;
  if (only && others.length === 0) return treeNodes(only);
  return result.folders.map((folder) => ({ kind: 'folder', folder }));
}

/** The main tree first, then the namespaces by name. */
export function treeNodes(folder: FolderNamespaces): NamespaceNode[] {
  const namespaces = [...folder.namespaces].sort((a, b) => a.name.localeCompare(b.name));
  return [{ kind: 'main', folder: folder.folder, packageCount: folder.mainPackageCount }, ...namespaces.map((info) => ({ kind: 'namespace' as const, folder: folder.folder, info }))];
}

/** One page of a tree level, followed by a "more" node when the server has further pages. */
export function pageNodes(folder: string, namespace: string | null, parent: number | undefined, page: TreeResult): NamespaceNode[] {
  const nodes: NamespaceNode[] = page.items.map((item) => ({ kind: 'package', folder, namespace, item, generation: page.generation }));
  if (page.nextOffset !== null) nodes.push({ kind: 'more', folder, namespace, parent, offset: page.nextOffset, remaining: page.total - page.nextOffset });
  return nodes;
}

const stateIcons: Record<NamespaceInfo['state'], NodeView['icon']> = {
  installed: { id: 'package', color: Colors.ok },
  stale: { id: 'warning', color: Colors.warning },
  missing: { id: 'circle-slash', color: Colors.error },
};

/** How a namespace's install state reads in the views. */
export const stateLabels: Record<NamespaceInfo['state'], string> = { installed: 'installed', stale: 'stale', missing: 'not installed' };

const stateExplanations: Record<NamespaceInfo['state'], string> = {
  installed: 'installed and up to date with multiverse.json',
  stale: 'installed, but out of date: install again',
  missing: 'not installed yet: run Install Namespaces',
};

export function describeNamespaceNode(node: NamespaceNode): NodeView {
  switch (node.kind) {
    case 'folder':
      return {
        label: lastSegment(node.folder.folder),
        description: plural(node.folder.namespaces.length, 'namespace'),
        tooltip: decodeURIComponent(node.folder.folder),
        icon: { id: 'root-folder' },
        contextValue: 'folder',
        collapsible: 'expanded',
      };
    case 'main':
      return {
        label: 'main tree',
        description: plural(node.packageCount, 'package'),
        tooltip: 'The project’s own node_modules: every package no namespace declares',
        icon: { id: 'list-tree' },
        contextValue: 'main',
        collapsible: 'collapsed',
      };
    case 'namespace': {
      const { info } = node;
      const dependencies = Object.entries(info.dependencies).map(([name, spec]) => `${name}@${spec}`);
      return {
        label: info.name,
        description: info.state === 'installed' ? plural(info.packageCount, 'package') : stateLabels[info.state],
        tooltip: [
          `Namespace ${info.name}: ${stateExplanations[info.state]}`,
          info.staleReason === null ? undefined : `Stale because ${info.staleReason}`,
          dependencies.length > 0 ? `Declares ${dependencies.join(', ')}` : 'Declares no dependencies',
          info.shared.length > 0 ? `Shares ${info.shared.join(', ')} with the main tree` : undefined,
          info.scope.length > 0 ? `Scope ${info.scope.join(', ')}` : undefined,
        ]
          .filter((line) => line !== undefined)
          .join('\n'),
        icon: stateIcons[info.state],
        contextValue: `namespace.${info.state}`,
        // A namespace that is not installed has no tree to expand yet.
        collapsible: info.state === 'missing' ? 'none' : 'collapsed',
      };
    }
    case 'package':
      return describePackage(node.item);
    case 'more':
      return {
        label: `Load ${plural(node.remaining, 'more package')}…`,
        icon: { id: 'ellipsis' },
        contextValue: 'more',
        collapsible: 'none',
      };
  }
}

const problemText: Record<NonNullable<TreeItem['problem']>, string> = {
  MISSING: 'missing: not installed',
  INVALID: 'invalid: the installed version does not satisfy the range',
  'PEER LOCAL': 'peer dependency installed below its dependent',
  DETACHED: 'detached from the tree',
};

function describePackage(item: TreeItem): NodeView {
  const problem = item.problem === null ? undefined : problemText[item.problem];
  const kind = item.type === 'prod' ? undefined : item.type;
  return {
    label: item.name,
    description: [item.version ?? 'missing', kind, item.problem === null ? undefined : `wants ${item.spec}`].filter((p) => p !== undefined).join(' · '),
    tooltip: [`${item.name}@${item.version ?? '(missing)'}`, `requested ${item.spec} (${item.type})`, problem].filter((l) => l !== undefined).join('\n'),
    icon: item.problem === 'MISSING' ? { id: 'error', color: Colors.error } : item.problem !== null ? { id: 'warning', color: Colors.warning } : { id: 'package' },
    contextValue: item.uri === null ? 'package.missing' : 'package',
    collapsible: item.id !== null && item.childCount > 0 ? 'collapsed' : 'none',
  };
}

/** The manifest a package node opens on click. */
export function packageManifestUri(item: TreeItem): string | undefined {
  return item.uri === null ? undefined : `${item.uri.replace(/\/+$/, '')}/package.json`;
}

function lastSegment(uri: string): string {
  const segments = uri.replace(/\/+$/, '').split('/');
  return decodeURIComponent(segments[segments.length - 1] ?? uri);
}
