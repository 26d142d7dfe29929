import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { ExtensionTarget, IsolatedExtensions } from '../extensions/isolated-extensions';
import { formatResult, parseCallArguments } from '../model/call-arguments';
import type { ExtensionRow } from '../model/extension-nodes';
import { requireTrust } from '../trust';

/**
 * Commands on isolated extensions, from the palette (with quick picks) and from the Isolated
 * Extensions view (with the row as argument): Run (start if needed → method → JSON arguments),
 * Start, Stop, Restart, Attach Debugger and Show Logs.
 */
export function registerExtensionCommands(ctx: Ctx, extensions: IsolatedExtensions): void {
  const guarded = (action: string, body: (target: ExtensionTarget) => Promise<void>, filter?: (t: ExtensionTarget) => boolean) => async (row?: ExtensionRow) => {
    if (!requireTrust(action)) return;
    const target = await targetOf(extensions, row, filter);
    if (target === undefined) return;
    try {
      await body(target);
    } catch (error) {
      reportFailure(extensions, target, error);
    }
  };
  const run = guarded('Running an isolated extension', (target) => runMethod(extensions, target));
  ctx.register(
    vscode.commands.registerCommand('multiverse.runExtension', run),
    vscode.commands.registerCommand('multiverse.callMethod', run),
    vscode.commands.registerCommand(
      'multiverse.startExtension',
      guarded('Starting an isolated extension', async (target) => void (await extensions.start(target)), (t) => !extensions.isRunning(t)),
    ),
    vscode.commands.registerCommand(
      'multiverse.stopExtension',
      guarded('Stopping an isolated extension', (target) => extensions.stop(target), (t) => extensions.isRunning(t)),
    ),
    vscode.commands.registerCommand(
      'multiverse.restartExtension',
      guarded('Restarting an isolated extension', (target) => extensions.restart(target), (t) => extensions.isRunning(t)),
    ),
    vscode.commands.registerCommand(
      'multiverse.attachDebugger',
      guarded('Debugging an isolated extension', (target) => extensions.attachDebugger(target), (t) => t.declared.isolation === 'process'),
    ),
    vscode.commands.registerCommand('multiverse.showExtensionLogs', async (row?: ExtensionRow) => {
      const target = await targetOf(extensions, row);
      if (target) extensions.showLogs(target);
    }),
  );
}

async function runMethod(extensions: IsolatedExtensions, target: ExtensionTarget): Promise<void> {
  const { name } = target.declared;
  if (!extensions.isRunning(target) && !(await extensions.start(target))) return;
  const methods = extensions.methods(target);
  if (methods.length === 0) throw new Error(`${name} exposes no methods`);
  const method = await vscode.window.showQuickPick([...methods], { title: `Run Isolated Extension: ${name}`, placeHolder: 'Method to call' });
  if (method === undefined) return;
  const input = await vscode.window.showInputBox({
    title: `${name}.${method}(…)`,
    prompt: 'Arguments as JSON: an array is the argument list, any other value the only argument; empty for none.',
    placeHolder: '[2, 3]',
    validateInput: (text) => {
      const parsed = parseCallArguments(text);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  if (input === undefined) return;
  const parsed = parseCallArguments(input);
  if ('error' in parsed) throw new Error(parsed.error);
  const result = await extensions.call(target, method, parsed.args);
  const choice = await vscode.window.showInformationMessage(`${name}.${method}() → ${formatResult(result, 200)}`, 'Show Logs');
  if (choice) extensions.showLogs(target);
}

/** The row's extension, or the user's pick among the declared ones (optionally only those `filter` accepts). */
async function targetOf(extensions: IsolatedExtensions, row: ExtensionRow | undefined, filter: (t: ExtensionTarget) => boolean = () => true): Promise<ExtensionTarget | undefined> {
  const declared = await extensions.declared();
  if (row !== undefined) return declared.find((t) => t.folder.uri.toString() === row.folder && t.declared.name === row.declared.name);
  const candidates = declared.filter(filter);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      declared.length === 0 ? 'Multiverse: multiverse.json declares no isolated extensions ("extensions": { "<name>": { "path": … } }).' : 'Multiverse: no isolated extension is in a state this command applies to.',
    );
    return undefined;
  }
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const picked = await vscode.window.showQuickPick(
    candidates.map((target) => ({
      label: target.declared.name,
      description: [target.declared.isolation, extensions.isRunning(target) ? 'running' : undefined, multiRoot ? target.folder.name : undefined].filter((p) => p !== undefined).join(' · '),
      detail: target.declared.path,
      target,
    })),
    { title: 'Isolated Extensions', placeHolder: 'Which extension?' },
  );
  return picked?.target;
}

function reportFailure(extensions: IsolatedExtensions, target: ExtensionTarget, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  void vscode.window.showErrorMessage(`Multiverse: ${message}`, 'Show Logs').then((choice) => {
    if (choice) extensions.showLogs(target);
  });
}
