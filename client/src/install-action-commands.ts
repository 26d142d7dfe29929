import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { Commands, type InstallArguments } from './model/protocol';

/**
 * Keeps the light bulb's install commands runnable. VS Code passes a code action's command to the
 * extension host by reference, through a cache it drops with the list of code actions; VS Code
 * 1.139 drops that list as soon as the chosen action's edit changes the document, before it runs
 * the action's command ("Actual command not found"), so "Isolate dependency" edited the manifests
 * but never installed. Each install command therefore reaches VS Code as a command without
 * arguments of its own, one per distinct argument list, registered once and kept until the client
 * goes away.
 */
export class InstallActionCommands implements vscode.Disposable {
  private readonly registered = new Map<string, vscode.Disposable>();

  constructor(private readonly install: (args: InstallArguments) => Promise<unknown>) {}

  /** The actions as the server made them, with install commands replaced by argument-free ones. */
  rewrite<T extends vscode.Command | vscode.CodeAction>(actions: T[] | null | undefined): T[] | null | undefined {
    if (!actions) return actions;
    for (const action of actions) {
      if (action instanceof vscode.CodeAction) {
        if (action.command) action.command = this.stable(action.command);
      } else {
        Object.assign(action, this.stable(action as vscode.Command));
      }
    }
    return actions;
  }

  private stable(command: vscode.Command): vscode.Command {
    const args = command.arguments;
    if (command.command !== Commands.installNamespaces || args === undefined || args.length === 0) return command;
    const install = args[0] as InstallArguments;
    const id = `${Commands.installNamespaces}.${createHash('sha1').update(JSON.stringify(install)).digest('hex').slice(0, 16)}`;
    if (!this.registered.has(id)) this.registered.set(id, vscode.commands.registerCommand(id, () => this.install(install)));
    return { title: command.title, command: id, tooltip: command.tooltip };
  }

  dispose(): void {
    for (const registration of this.registered.values()) registration.dispose();
    this.registered.clear();
  }
}
