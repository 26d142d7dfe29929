import { createHash } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * Keeps the light bulb's server commands runnable. VS Code passes a code action's command to the
 * extension host by reference, through a cache it drops with the list of code actions; VS Code
 * 1.139 drops that list as soon as the chosen action's edit changes the document, before it runs
 * the action's command ("Actual command not found"), so "Isolate dependency" edited the manifests
 * but never installed. The commands the client runs itself therefore reach VS Code as commands
 * without arguments of their own, one per distinct argument, registered once and kept until the
 * extension goes away.
 */
export class CodeActionCommands implements vscode.Disposable {
  private readonly registered = new Map<string, vscode.Disposable>();

  /** `handlers`: per server command, what runs it with its one argument. */
  constructor(private readonly handlers: ReadonlyMap<string, (argument: unknown) => Promise<unknown>>) {}

  /** The actions as the server made them, with those commands replaced by argument-free ones. */
  rewrite<T extends vscode.Command | vscode.CodeAction>(actions: T[] | null | undefined): T[] | null | undefined {
    for (const action of actions ?? []) {
      if (action instanceof vscode.CodeAction) {
        if (action.command) action.command = this.stable(action.command);
      } else {
        Object.assign(action, this.stable(action as vscode.Command));
      }
    }
    return actions;
  }

  private stable(command: vscode.Command): vscode.Command {
    const handler = this.handlers.get(command.command);
    const argument: unknown = command.arguments?.[0];
    if (handler === undefined || argument === undefined) return command;
    const id = `${command.command}.${createHash('sha1').update(JSON.stringify(argument)).digest('hex').slice(0, 16)}`;
    if (!this.registered.has(id)) this.registered.set(id, vscode.commands.registerCommand(id, () => handler(argument)));
    return { title: command.title, command: id, tooltip: command.tooltip };
  }

  dispose(): void {
    for (const registration of this.registered.values()) registration.dispose();
    this.registered.clear();
  }
}
