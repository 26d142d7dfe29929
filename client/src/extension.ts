import * as vscode from 'vscode';
import { registerExtensionCommands } from './commands/extension-commands';
import { registerInstallCommands } from './commands/install-commands';
import { registerIsolateCommand } from './commands/isolate-command';
import { registerServerCommands } from './commands/server-commands';
import { Ctx } from './ctx';
import { IsolatedExtensions } from './extensions/isolated-extensions';
import { registerGraphCommand } from './graph/graph-panel';
import { ConflictStatus } from './status';
import { ConflictsView } from './views/conflicts-view';
import { ExtensionsView } from './views/extensions-view';
import { NamespacesView } from './views/namespaces-view';

let ctx: Ctx | undefined;

/**
 * What `activate` returns (`vscode.extensions.getExtension(id).exports`): the views' data providers
 * and the isolated-extension runner, so tests in the extension host (and other extensions) can read
 * exactly what the views show.
 */
export interface MultiverseApi {
  namespaces: vscode.TreeDataProvider<unknown>;
  conflicts: vscode.TreeDataProvider<unknown>;
  extensions: vscode.TreeDataProvider<unknown>;
  isolated: IsolatedExtensions;
}

export async function activate(context: vscode.ExtensionContext): Promise<MultiverseApi> {
  ctx = new Ctx(context);
  const isolated = new IsolatedExtensions(ctx);
  const namespaces = new NamespacesView(ctx);
  const conflicts = new ConflictsView(ctx);
  const extensions = new ExtensionsView(ctx, isolated);
  new ConflictStatus(ctx);
  registerServerCommands(ctx, [namespaces, conflicts, extensions]);
  registerInstallCommands(ctx);
  registerIsolateCommand(ctx);
  registerExtensionCommands(ctx, isolated);
  registerGraphCommand(ctx);
  try {
    await ctx.start();
  } catch (error) {
    // Keep the views and commands: they explain that the server is down and offer Restart Server.
    const message = error instanceof Error ? error.message : String(error);
    ctx.output.appendLine(`The Multiverse language server did not start: ${message}`);
    void vscode.window.showErrorMessage(`Multiverse: the language server did not start: ${message}`, 'Show Output').then((choice) => {
      if (choice) ctx?.output.show(true);
    });
  }
  return { namespaces, conflicts, extensions, isolated };
}

export async function deactivate(): Promise<void> {
  await ctx?.shutdown();
  ctx = undefined;
}
