import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { Refreshable } from '../views/tree-item';

/** Restart Server, Show Output and Refresh. */
export function registerServerCommands(ctx: Ctx, views: Refreshable[]): void {
  ctx.register(
    vscode.commands.registerCommand('multiverse.restartServer', () => ctx.restart()),
    vscode.commands.registerCommand('multiverse.showOutput', () => ctx.output.show(true)),
    vscode.commands.registerCommand('multiverse.refresh', () => views.forEach((view) => view.refresh())),
  );
}
