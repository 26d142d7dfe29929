import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { conflictChildren, conflictCount, conflictRootNodes, describeConflictNode, type ConflictNode } from '../model/conflict-nodes';
import { plural } from '../model/node-view';
import { ConflictsRequest } from '../model/protocol';
import { errorMessage, toTreeItem, type Refreshable } from './tree-item';

export const CONFLICTS_VIEW = 'multiverse.conflicts';

/** The Conflicts view: conflicts grouped by package; each opens the manifest entry its diagnostic sits on. */
export class ConflictsView implements vscode.TreeDataProvider<ConflictNode>, Refreshable {
  private readonly changed = new vscode.EventEmitter<ConflictNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<ConflictNode>;

  constructor(private readonly ctx: Ctx) {
    this.view = vscode.window.createTreeView(CONFLICTS_VIEW, { treeDataProvider: this, showCollapseAll: true });
    ctx.register(this.view, this.changed, ctx.onDidChangeAnalysis(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: ConflictNode): vscode.TreeItem {
    const view = describeConflictNode(node);
    if (node.kind !== 'conflict') return toTreeItem(view);
    const location = node.conflict.locations[0];
    if (location === undefined) return toTreeItem(view);
    const { start, end } = location.range;
    const selection = new vscode.Range(start.line, start.character, end.line, end.character);
    return toTreeItem(view, { command: 'vscode.open', title: 'Go to the conflict', arguments: [vscode.Uri.parse(location.uri), { selection } satisfies vscode.TextDocumentShowOptions] });
  }

  async getChildren(node?: ConflictNode): Promise<ConflictNode[]> {
    if (node !== undefined) return conflictChildren(node);
    try {
      const result = await this.ctx.request(ConflictsRequest, {});
      const { errors, warnings } = conflictCount(result);
      this.view.message = undefined;
      this.view.badge = errors + warnings === 0 ? undefined : { value: errors + warnings, tooltip: `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` };
      return conflictRootNodes(result);
    } catch (error) {
      this.view.message = `Could not list conflicts: ${errorMessage(error)}`;
      return [];
    }
  }
}
