import * as vscode from 'vscode';
import type { RuntimeVersionParams } from './model/protocol';

/**
 * A status bar warning, shown once the server reports that a folder's installed `multiverse`
 * differs from the one it analyses with; clicking it opens the output, where the server said why.
 */
export class RuntimeVersionStatus implements vscode.Disposable {
  private readonly bar = vscode.window.createStatusBarItem('multiverse.runtimeVersion', vscode.StatusBarAlignment.Left, 9);
  private readonly reports = new Map<string, RuntimeVersionParams>();

  constructor() {
    this.bar.name = 'Multiverse Runtime Version';
    this.bar.command = 'multiverse.showOutput';
  }

  report(params: RuntimeVersionParams): void {
    this.reports.set(params.folder, params);
    const versions = [...new Set([...this.reports.values()].map((r) => r.workspace))];
    this.bar.text = `$(versions) multiverse ${versions.join(', ')}`;
    this.bar.tooltip = [...this.reports.values()].map((r) => r.message).join('\n\n');
    this.bar.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.bar.show();
  }

  dispose(): void {
    this.bar.dispose();
  }
}
