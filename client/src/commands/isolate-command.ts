import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { ConflictNode } from '../model/conflict-nodes';
import { findDependencyEntry } from '../model/dependency-entry';
import { candidateRow, isolateCandidates } from '../model/isolate-candidates';
import { ConflictsRequest, TreeRequest, type IsolationArguments } from '../model/protocol';
import { requireTrust } from '../trust';
import { pickFolder } from './pick-folder';

/**
 * Isolate Dependency…: moves a direct dependency into a namespace and installs it. The edit and the
 * command that completes it come from the server's own "Isolate dependency" code action for the
 * dependency (`multiverse/isolationAction`), so the palette, the Conflicts view and the light bulb
 * all do exactly the same thing.
 */
export function registerIsolateCommand(ctx: Ctx): void {
  ctx.register(vscode.commands.registerCommand('multiverse.isolateDependency', (node?: ConflictNode) => isolateDependency(ctx, node)));
}

/**
 * Resolves to the namespace the dependency moved into, once it is installed; undefined when the
 * user dismissed a pick or something failed (failures are shown and logged).
 */
async function isolateDependency(ctx: Ctx, node: ConflictNode | undefined): Promise<string | undefined> {
  if (!requireTrust('Isolating a dependency (it installs the namespace)')) return undefined;
  const folderUri = node?.kind === 'group' ? node.group.folder : node?.kind === 'conflict' ? node.folder : (await pickFolder('Isolate a dependency of which folder?'))?.uri.toString();
  if (folderUri === undefined) return undefined;
  const manifest = vscode.Uri.joinPath(vscode.Uri.parse(folderUri), 'package.json');
  try {
    const document = await vscode.workspace.openTextDocument(manifest);
    const preferred = node?.kind === 'group' ? node.group.package : node?.kind === 'conflict' ? node.conflict.package : undefined;
    // A conflict about a package the project does not declare itself (a transitive peer, say) is
    // fixed by isolating one of the direct dependencies that pull it in: let the user choose.
    const name = preferred !== undefined && findDependencyEntry(document.getText(), preferred) ? preferred : await pickDependency(ctx, folderUri);
    if (name === undefined) return undefined;
    const action = await ctx.isolationAction({ folder: folderUri, package: name });
    if (action.disabled) throw new Error(action.disabled.reason);
    if (action.edit === undefined || action.command === undefined) throw new Error(`the language server's isolation of "${name}" carries no edit; see "Multiverse: Show Output".`);
    if (!(await vscode.workspace.applyEdit(action.edit))) throw new Error(`VS Code refused the edit to ${action.edit.entries().map(([uri]) => uri.fsPath).join(' and ')}`);
    // Saves the edit, installs the namespace and updates the main tree (through the middleware: trust, progress, summary).
    const summary = await vscode.commands.executeCommand<string | undefined>(action.command.command, ...(action.command.arguments ?? []));
    const args = action.command.arguments?.[0] as IsolationArguments | undefined;
    return summary === undefined ? undefined : args?.namespace;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.output.appendLine(`Isolate dependency in ${folderUri} failed: ${message}`);
    void vscode.window.showErrorMessage(`Multiverse: could not isolate the dependency: ${message}`);
    return undefined;
  }
}

/** Quick pick of the project's direct dependencies, most conflicted first. */
async function pickDependency(ctx: Ctx, folder: string): Promise<string | undefined> {
  const [tree, conflicts] = await Promise.all([ctx.request(TreeRequest, { folder, namespace: null, limit: 1000 }), ctx.request(ConflictsRequest, { folder })]);
  const candidates = isolateCandidates(tree.items, conflicts.folders.flatMap((f) => f.conflicts));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('Multiverse: this project declares no dependencies that could move into a namespace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((candidate) => ({ ...candidateRow(candidate), name: candidate.name })),
    { title: 'Isolate Dependency', placeHolder: 'Move which dependency into its own namespace? (most conflicted first)', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.name;
}
