import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { conflictCount } from './model/conflict-nodes';
import { nodeSummary } from './model/node-summary';
import { plural } from './model/node-view';
import { ConflictsRequest } from './model/protocol';
import { CONFLICTS_VIEW } from './views/conflicts-view';

/** Opens the Conflicts view: the `<view id>.focus` command VS Code adds for every view. */
const OPEN_CONFLICTS = `${CONFLICTS_VIEW}.focus`;

/**
 * The conflict count in two places: a status bar entry (always visible) and a language status item
 * on manifests and sources (where VS Code groups per-language information). Both open the Conflicts view.
 */
export class ConflictStatus {
  private readonly bar: vscode.StatusBarItem;
  private readonly language: vscode.LanguageStatusItem;
  /** Counts each refresh, so an older answer arriving late never overwrites a newer one. */
  private sequence = 0;
  /** Which Node the answers follow, per folder (see nodeSummary). */
  private node: string[] = [];

  constructor(private readonly ctx: Ctx) {
    this.bar = vscode.window.createStatusBarItem('multiverse.conflicts', vscode.StatusBarAlignment.Left, 10);
    this.bar.name = 'Multiverse Conflicts';
    this.bar.command = OPEN_CONFLICTS;
    this.language = vscode.languages.createLanguageStatusItem('multiverse.status', [
      { pattern: '**/package.json' },
      { pattern: '**/multiverse.json' },
      { language: 'javascript' },
      { language: 'javascriptreact' },
      { language: 'typescript' },
      { language: 'typescriptreact' },
    ]);
    this.language.name = 'Multiverse';
    ctx.register(
      this.bar,
      this.language,
      ctx.onDidChangeAnalysis(() => void this.refresh()),
      // The language status mentions Restricted Mode; drop that once the user trusts the folder.
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh()),
    );
    this.show('analysing…', undefined);
  }

  async refresh(): Promise<void> {
    const sequence = ++this.sequence;
    try {
      const result = await this.ctx.request(ConflictsRequest, {});
      const counts = conflictCount(result);
      if (sequence !== this.sequence) return;
      this.node = nodeSummary(result, (uri) => vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(uri))?.name ?? uri);
      this.show(counts.errors + counts.warnings === 0 ? 'no conflicts' : plural(counts.errors + counts.warnings, 'conflict'), counts);
    } catch (error) {
      if (sequence !== this.sequence) return;
      this.show('server not running', undefined, error instanceof Error ? error.message : String(error));
    }
  }

  private show(text: string, counts: { errors: number; warnings: number } | undefined, problem?: string): void {
    const total = counts === undefined ? 0 : counts.errors + counts.warnings;
    const icon = problem !== undefined ? '$(debug-disconnect)' : total === 0 ? '$(check)' : counts !== undefined && counts.errors > 0 ? '$(error)' : '$(warning)';
    this.bar.text = `${icon} Multiverse: ${text}`;
    const summary = counts === undefined ? 'Multiverse is analysing the dependency trees' : `${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}: click to open the Conflicts view`;
    this.bar.tooltip = problem ?? [summary, ...this.node].join('\n');
    this.bar.backgroundColor = counts !== undefined && counts.errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.bar.show();
    this.language.text = text;
    this.language.detail = this.ctx.trusted ? undefined : 'Restricted Mode: analysis only';
    this.language.severity = problem !== undefined || total > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    this.language.busy = counts === undefined && problem === undefined;
    this.language.command = { command: OPEN_CONFLICTS, title: 'Show Conflicts' };
  }
}
