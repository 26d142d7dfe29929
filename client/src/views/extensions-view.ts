import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { IsolatedExtensions } from '../extensions/isolated-extensions';
import { describeExtension, type ExtensionRow } from '../model/extension-nodes';
import { errorMessage, toTreeItem, type Refreshable } from './tree-item';

export const EXTENSIONS_VIEW = 'multiverse.extensions';

/** The Isolated Extensions view: every extension multiverse.json declares, with its run state. */
export class ExtensionsView implements vscode.TreeDataProvider<ExtensionRow>, Refreshable {
  private readonly changed = new vscode.EventEmitter<ExtensionRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<ExtensionRow>;

  constructor(
    ctx: Ctx,
    private readonly extensions: IsolatedExtensions,
  ) {
    this.view = vscode.window.createTreeView(EXTENSIONS_VIEW, { treeDataProvider: this });
    ctx.register(this.view, this.changed, extensions.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(row: ExtensionRow): vscode.TreeItem {
    return toTreeItem(describeExtension(row), { command: 'multiverse.showExtensionLogs', title: 'Show Logs', arguments: [row] });
  }

  async getChildren(row?: ExtensionRow): Promise<ExtensionRow[]> {
    if (row !== undefined) return [];
    // Views stay available in Restricted Mode; only starting and calling are refused, so say so here.
    this.view.message = vscode.workspace.isTrusted ? undefined : 'Restricted Mode: running isolated extensions is disabled because it runs code from this workspace. Trust the workspace to enable it.';
    try {
      return await this.extensions.rows();
    } catch (error) {
      this.view.message = `Could not list isolated extensions: ${errorMessage(error)}`;
      return [];
    }
  }
}
