/**
 * What a tree item looks like, decided without `vscode`: the views turn it into a `TreeItem`.
 * Keeping this plain data is what lets the tree logic run under Node's test runner.
 */
export interface NodeView {
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id, optionally tinted with a theme colour id. */
  icon: { id: string; color?: string };
  /** Matched by the `viewItem` when-clauses of the manifest's context menus. */
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
}

export const Colors = {
  error: 'list.errorForeground',
  warning: 'list.warningForeground',
  ok: 'testing.iconPassed',
  muted: 'disabledForeground',
} as const;

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
