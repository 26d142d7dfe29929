import { installProject, installTree, namespaceDir, readConfig, withProjectLock, type ProgressEvent } from 'multiverse/tooling';
import type { InstallArguments } from './protocol';

/** What the editor shows while namespaces install: a work-done progress in LSP terms. */
export interface InstallProgress {
  report(message: string, percentage?: number): void;
  /** Aborted when the user cancels the progress. */
  signal: AbortSignal;
}

/**
 * Installs the namespaces a quick fix or an "Install namespaces" request asks for.
 * Without explicit namespaces, installs the project as multiverse.json on disk declares it (which
 * also writes `.multiverse/map.json`). With them, installs each namespace's tree from the given
 * dependencies: the quick fix's edit may still sit unsaved in the editor, and the tree can be ready
 * before the user saves; when multiverse.json on disk already matches, the full project install
 * runs instead so the map is written too. Either way under the project lock, as every install of
 * the CLI. Returns a one-line summary.
 */
export async function runInstall(projectDir: string, args: InstallArguments, progress: InstallProgress): Promise<string> {
  const requested = args.namespaces ?? {};
  const names = Object.keys(requested);
  const onDisk = await readConfig(projectDir);
  const saved = names.every((n) => sameDependencies(onDisk?.namespaces[n]?.dependencies, requested[n]));
  const totals = new Map<string, ProgressEvent>();
  const onProgress = (namespace: string, event: ProgressEvent): void => {
    totals.set(namespace, event);
    let done = 0;
    let total = 0;
    for (const e of totals.values()) {
      done += e.done;
      total += e.total;
    }
    progress.report(`${namespace}: ${event.message ?? event.phase}`, total > 0 ? Math.min(100, Math.round((done / total) * 100)) : undefined);
  };
  if (names.length === 0 || (onDisk !== null && saved)) {
    const result = await installProject(projectDir, { namespaces: names, onProgress, signal: progress.signal });
    const changed = Object.entries(result.namespaces).filter(([, r]) => r.changed).map(([n]) => n);
    return `Installed ${Object.keys(result.namespaces).length} namespace(s)${changed.length > 0 ? ` (changed: ${changed.join(', ')})` : ', all up to date'}.`;
  }
  await withProjectLock(projectDir, async () => {
    for (const name of names) {
      await installTree({
        dir: namespaceDir(projectDir, name),
        dependencies: requested[name] ?? {},
        projectDir,
        label: `namespace "${name}"`,
        onProgress: (event) => onProgress(name, event),
        signal: progress.signal,
      });
    }
  });
  return `Installed namespace(s) ${names.join(', ')}. Save multiverse.json and run "Install namespaces" to update the import map.`;
}

function sameDependencies(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (!a || !b) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
