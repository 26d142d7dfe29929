import { plural } from './node-view';
import type { ConflictItem, TreeItem } from './protocol';

/** A direct dependency of the project that "Isolate Dependency…" can move into a namespace. */
export interface IsolateCandidate {
  name: string;
  spec: string;
  version: string | null;
  type: TreeItem['type'];
  /** Conflicts about this package, or in which it is a dependent (isolating it takes its view of the tree along). */
  conflicts: ConflictItem[];
}

/** package.json fields whose entries can move into a namespace (peer dependencies belong to the package's users). */
const ISOLATABLE_TYPES: ReadonlySet<TreeItem['type']> = new Set(['prod', 'dev', 'optional']);

/**
 * The quick pick's entries: the main tree's direct dependencies, most conflicted first (errors weigh
 * more than warnings), then alphabetically. Conflicts inside namespaces are left out: those packages
 * are already isolated.
 */
export function isolateCandidates(directDependencies: readonly TreeItem[], conflicts: readonly ConflictItem[]): IsolateCandidate[] {
  const candidates = directDependencies
    .filter((item) => ISOLATABLE_TYPES.has(item.type))
    .map((item): IsolateCandidate => ({
      name: item.name,
      spec: item.spec,
      version: item.version,
      type: item.type,
      conflicts: conflicts.filter((c) => c.namespace === null && (c.package === item.name || c.dependents.some((d) => d.name === item.name))),
    }));
  return candidates.sort((a, b) => weight(b) - weight(a) || a.name.localeCompare(b.name));
}

function weight(candidate: IsolateCandidate): number {
  return candidate.conflicts.reduce((sum, c) => sum + (c.severity === 'error' ? 3 : 1), 0);
}

/** Label, description and detail of a candidate's quick-pick row. */
export function candidateRow(candidate: IsolateCandidate): { label: string; description: string; detail?: string } {
  const description = [candidate.spec, candidate.version === null ? 'not installed' : `installed ${candidate.version}`, candidate.type === 'prod' ? undefined : candidate.type]
    .filter((p) => p !== undefined)
    .join(' · ');
  if (candidate.conflicts.length === 0) return { label: candidate.name, description };
  const kinds = [...new Set(candidate.conflicts.map((c) => c.kind))].join(', ');
  return { label: candidate.name, description, detail: `${plural(candidate.conflicts.length, 'conflict')} (${kinds}): ${candidate.conflicts[0]?.message ?? ''}` };
}
