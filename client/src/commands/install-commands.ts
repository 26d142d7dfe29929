import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { ConflictNode } from '../model/conflict-nodes';
import type { NamespaceNode } from '../model/namespace-nodes';
import { pickFolder } from './pick-folder';

/** Install Namespaces (palette, view title, conflicts), Install Namespace, Remove Installed Tree and Reveal in Explorer (namespace nodes). */
export function registerInstallCommands(ctx: Ctx): void {
  ctx.register(
    vscode.commands.registerCommand('multiverse.install', async (node?: ConflictNode) => {
      const folder = node?.kind === 'group' ? node.group.folder : node?.kind === 'conflict' ? node.folder : (await pickFolder('Install the namespaces of which folder?'))?.uri.toString();
      if (folder !== undefined) await ctx.installNamespaces({ folder });
    }),
    vscode.commands.registerCommand('multiverse.installNamespace', async (node: NamespaceNode) => {
      if (node.kind !== 'namespace') return;
      // Only this namespace, as multiverse.json on disk declares it.
      await ctx.installNamespaces({ folder: node.folder, namespaces: { [node.info.name]: node.info.dependencies } });
    }),
    vscode.commands.registerCommand('multiverse.removeNamespaceTree', async (node: NamespaceNode) => {
      if (node.kind !== 'namespace') return;
      const root = vscode.Uri.parse(node.info.root);
      const confirm = await vscode.window.showWarningMessage(
        `Delete the installed tree of namespace "${node.info.name}" (${vscode.workspace.asRelativePath(root)})? multiverse.json keeps the namespace; Install Namespaces brings the tree back.`,
        { modal: true },
        'Delete',
      );
      if (confirm !== 'Delete') return;
      try {
        await vscode.workspace.fs.delete(root, { recursive: true, useTrash: false });
      } catch (error) {
        void vscode.window.showErrorMessage(`Multiverse: could not delete ${root.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
    vscode.commands.registerCommand('multiverse.revealInExplorer', async (node: NamespaceNode) => {
      const uri = node.kind === 'namespace' ? node.info.root : node.kind === 'package' ? node.item.uri : null;
      if (uri !== null) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.parse(uri));
    }),
  );
}
