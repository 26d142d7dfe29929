import * as vscode from 'vscode';

/** The workspace folder to act on: the only one, or the user's pick; undefined when there is none or the pick was dismissed. */
export async function pickFolder(placeHolder: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder });
}
