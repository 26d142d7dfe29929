import * as vscode from 'vscode';
import type { NodeView } from '../model/node-view';

const collapsibleStates: Record<NodeView['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

/** Turns a node's plain description into VS Code's tree item. */
export function toTreeItem(view: NodeView, command?: vscode.Command, resourceUri?: vscode.Uri): vscode.TreeItem {
  const item = new vscode.TreeItem(view.label, collapsibleStates[view.collapsible]);
  item.description = view.description;
  item.tooltip = view.tooltip;
  item.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color === undefined ? undefined : new vscode.ThemeColor(view.icon.color));
  item.contextValue = view.contextValue;
  item.command = command;
  item.resourceUri = resourceUri;
  return item;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A view the Refresh command reloads. */
export interface Refreshable {
  refresh(): void;
}
