import * as vscode from 'vscode';

/**
 * Explains why an action did nothing: in Restricted Mode Multiverse analyses and shows, but does
 * not install packages (npm runs install scripts) or run isolated extensions (workspace code).
 */
export function explainRestricted(action: string): void {
  void vscode.window
    .showWarningMessage(
      `Multiverse: ${action} is disabled in Restricted Mode, because it would run code from this workspace (npm install scripts or extension modules). Trust the workspace to enable it.`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
}

/** True when trusted; otherwise explains that `action` is disabled. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  explainRestricted(action);
  return false;
}
