import type * as vscode from 'vscode';
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

export async function activate(context: vscode.ExtensionContext): Promise<void> {
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
  await ctx.start();
}

export async function deactivate(): Promise<void> {
  await ctx?.shutdown();
  ctx = undefined;
}
