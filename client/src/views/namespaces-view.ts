import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { describeNamespaceNode, pageNodes, packageManifestUri, rootNodes, treeNodes, type NamespaceNode } from '../model/namespace-nodes';
import { NamespacesRequest, TreeRequest } from '../model/protocol';
import { errorMessage, toTreeItem, type Refreshable } from './tree-item';

export const NAMESPACES_VIEW = 'multiverse.namespaces';
const PAGE_SIZE = 200;

/**
 * The Namespaces view: workspace folder → main tree and namespaces (with install state) → their
 * packages → each package's dependencies, fetched one level (and one page) at a time from the server.
 */
export class NamespacesView implements vscode.TreeDataProvider<NamespaceNode>, Refreshable {
  private readonly changed = new vscode.EventEmitter<NamespaceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<NamespaceNode>;
  /** Pages loaded after the first, per parent, so "Load more" survives a collapse and re-expand. */
  private readonly extraPages = new Map<string, NamespaceNode[]>();

  constructor(private readonly ctx: Ctx) {
    this.view = vscode.window.createTreeView(NAMESPACES_VIEW, { treeDataProvider: this, showCollapseAll: true });
    ctx.register(
      this.view,
      this.changed,
      ctx.onDidChangeAnalysis(() => this.refresh()),
      // Run by the "Load more…" node's click; internal, so the manifest does not list it.
      vscode.commands.registerCommand('multiverse.loadMore', (node: NamespaceNode) => this.loadMore(node)),
    );
  }

  refresh(): void {
    this.extraPages.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: NamespaceNode): vscode.TreeItem {
    const view = describeNamespaceNode(node);
    if (node.kind === 'package') {
      const manifest = packageManifestUri(node.item);
      return toTreeItem(view, manifest === undefined ? undefined : { command: 'vscode.open', title: 'Open package.json', arguments: [vscode.Uri.parse(manifest)] });
    }
    if (node.kind === 'more') return toTreeItem(view, { command: 'multiverse.loadMore', title: 'Load more', arguments: [node] });
    return toTreeItem(view);
  }

  async getChildren(node?: NamespaceNode): Promise<NamespaceNode[]> {
    try {
      this.view.message = undefined;
      if (node === undefined) return rootNodes(await this.ctx.request(NamespacesRequest, {}));
      switch (node.kind) {
        case 'folder':
          return treeNodes(node.folder);
        case 'main':
          return await this.page(node.folder, null, undefined);
        case 'namespace':
          return await this.page(node.folder, node.info.name, undefined);
        case 'package':
          return node.item.id === null ? [] : await this.page(node.folder, node.namespace, node.item.id);
        case 'more':
          return [];
      }
    } catch (error) {
      this.view.message = `Could not list namespaces: ${errorMessage(error)}`;
      return [];
    }
  }

  private async page(folder: string, namespace: string | null, parent: number | undefined): Promise<NamespaceNode[]> {
    const first = pageNodes(folder, namespace, parent, await this.ctx.request(TreeRequest, { folder, namespace, parent, limit: PAGE_SIZE }));
    const extra = this.extraPages.get(pageKey(folder, namespace, parent));
    if (extra === undefined) return first;
    // The stored pages end with their own "more" node, if any: drop the first page's.
    return [...first.filter((n) => n.kind !== 'more'), ...extra];
  }

  private async loadMore(node: NamespaceNode): Promise<void> {
    if (node.kind !== 'more') return;
    const key = pageKey(node.folder, node.namespace, node.parent);
    try {
      const next = await this.ctx.request(TreeRequest, { folder: node.folder, namespace: node.namespace, parent: node.parent, offset: node.offset, limit: PAGE_SIZE });
      const loaded = (this.extraPages.get(key) ?? []).filter((n) => n.kind !== 'more');
      this.extraPages.set(key, [...loaded, ...pageNodes(node.folder, node.namespace, node.parent, next)]);
      this.changed.fire(undefined);
    } catch (error) {
      void vscode.window.showErrorMessage(`Multiverse: could not load more packages: ${errorMessage(error)}`);
    }
  }
}

function pageKey(folder: string, namespace: string | null, parent: number | undefined): string {
  return JSON.stringify([folder, namespace, parent ?? null]);
}
