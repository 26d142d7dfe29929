import { Colors, plural, type NodeView } from './node-view';
import type { ConflictItem, ConflictsResult } from './protocol';

/** All conflicts about one package in one workspace folder. */
export interface ConflictGroup {
  folder: string;
  package: string;
  severity: ConflictItem['severity'];
  conflicts: ConflictItem[];
}

export type ConflictNode =
  | { kind: 'folder'; folder: string; groups: ConflictGroup[] }
  | { kind: 'group'; group: ConflictGroup }
  | { kind: 'conflict'; folder: string; conflict: ConflictItem };

/** What fixes a conflict from the view: isolating the package, installing namespaces, or editing by hand. */
export type ConflictFix = 'isolate' | 'install' | null;

export function conflictFix(conflict: ConflictItem): ConflictFix {
  switch (conflict.kind) {
    case 'invalid':
    case 'peer':
    case 'singleton':
      // Only a package of the main tree can move into a namespace.
      return conflict.namespace === null ? 'isolate' : null;
    case 'namespace-not-installed':
    case 'namespace-stale':
    case 'namespace-orphaned':
      // Installing prunes an orphaned namespace, as it installs a missing or stale one.
      return 'install';
    case 'main-tree-leftover':
    case 'missing':
    case 'ambiguous':
    case 'declared-twice':
      return null;
  }
}

/** Groups by package; errors first, then the packages with most conflicts, then by name. */
export function groupConflicts(result: ConflictsResult): { folder: string; groups: ConflictGroup[] }[] {
  return result.folders.map(({ folder, conflicts }) => {
    const byPackage = new Map<string, ConflictItem[]>();
    for (const conflict of conflicts) byPackage.set(conflict.package, [...(byPackage.get(conflict.package) ?? []), conflict]);
    const groups = [...byPackage].map(([name, items]): ConflictGroup => ({
      folder,
      package: name,
      severity: items.some((c) => c.severity === 'error') ? 'error' : 'warning',
      conflicts: items,
    }));
    groups.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.conflicts.length - a.conflicts.length || a.package.localeCompare(b.package));
    return { folder, groups };
  });
}

export function conflictRootNodes(result: ConflictsResult): ConflictNode[] {
  const folders = groupConflicts(result).filter((f) => f.groups.length > 0);
  const [only, ...others] = folders;
  if (only && others.length === 0) return only.groups.map((group) => ({ kind: 'group', group }));
  return folders.map(({ folder, groups }) => ({ kind: 'folder', folder, groups }));
}

export function conflictChildren(node: ConflictNode): ConflictNode[] {
  switch (node.kind) {
    case 'folder':
      return node.groups.map((group) => ({ kind: 'group', group }));
    case 'group':
      return node.group.conflicts.map((conflict) => ({ kind: 'conflict', folder: node.group.folder, conflict }));
    case 'conflict':
      return [];
  }
}

export function conflictCount(result: ConflictsResult): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const { conflicts } of result.folders) {
    for (const conflict of conflicts) {
      if (conflict.severity === 'error') errors++;
      else warnings++;
    }
  }
  return { errors, warnings };
}

export function describeConflictNode(node: ConflictNode): NodeView {
  switch (node.kind) {
    case 'folder': {
      const count = node.groups.reduce((n, g) => n + g.conflicts.length, 0);
      return { label: decodeURIComponent(node.folder.replace(/\/+$/, '').split('/').pop() ?? node.folder), description: plural(count, 'conflict'), icon: { id: 'root-folder' }, contextValue: 'folder', collapsible: 'expanded' };
    }
    case 'group': {
      const { group } = node;
      const versions = [...new Set(group.conflicts.flatMap((c) => c.versions))];
      const fixes = new Set(group.conflicts.map(conflictFix));
      return {
        label: group.package,
        description: [plural(group.conflicts.length, 'conflict'), versions.length > 0 ? versions.join(', ') : undefined].filter((p) => p !== undefined).join(' · '),
        tooltip: group.conflicts.map((c) => c.message).join('\n'),
        icon: severityIcon(group.severity),
        contextValue: ['conflictGroup', fixes.has('isolate') ? 'isolatable' : undefined, fixes.has('install') ? 'installable' : undefined].filter((p) => p !== undefined).join('.'),
        collapsible: 'collapsed',
      };
    }
    case 'conflict': {
      const { conflict } = node;
      const fix = conflictFix(conflict);
      return {
        label: conflict.message,
        description: [conflict.kind, conflict.namespace === null ? undefined : `namespace ${conflict.namespace}`].filter((p) => p !== undefined).join(' · '),
        tooltip: [
          conflict.message,
          conflict.dependents.length > 0 ? `Dependents: ${conflict.dependents.map((d) => `${d.name}@${d.version} wants ${d.spec} (${d.type})`).join(', ')}` : undefined,
          conflict.locations.length === 0 ? 'No manifest entry to go to' : undefined,
        ]
          .filter((l) => l !== undefined)
          .join('\n'),
        icon: severityIcon(conflict.severity),
        contextValue: fix === null ? 'conflict' : `conflict.${fix === 'isolate' ? 'isolatable' : 'installable'}`,
        collapsible: 'none',
      };
    }
  }
}

function severityIcon(severity: ConflictItem['severity']): NodeView['icon'] {
  return severity === 'error' ? { id: 'error', color: Colors.error } : { id: 'warning', color: Colors.warning };
}

function severityRank(severity: ConflictItem['severity']): number {
  return severity === 'error' ? 0 : 1;
}
