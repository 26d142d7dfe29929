import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { readManifest } from '../analysis/manifest';
import { InputError, MultiverseError } from '../errors';
import { detectPackageManager, installCommand } from '../package-manager';
import { arboristOptions } from './arborist-options';
import { cancelledError, installError } from './install-error';
import { readNpmConfig } from './npm-config';
import type { ProgressListener } from './progress';
import { withProjectLock } from './project-lock';
import { reifyWithProgress } from './tracked-arborist';

export interface MainTreeResult {
  /** False when there was nothing to update: the app's own tree is not installed (no node_modules). */
  updated: boolean;
  /** Top-level packages that left node_modules. */
  removed: string[];
  /** Top-level packages that joined node_modules. */
  added: string[];
  /**
   * When another package manager installs the project (pnpm, Yarn, Bun): its install command, to be
   * run by the user. Multiverse's installer is npm's, which would rewrite that manager's layout, so
   * the tree is left alone (`updated` is false).
   */
  leftTo: string | null;
}

export interface UpdateMainTreeOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/**
 * Brings the app's own tree (node_modules and package-lock.json) in line with its package.json,
 * as `npm install` does, with the user's npm configuration: after an isolation the moved package's
 * copy goes, after a move back it comes in. package.json itself is not rewritten. A tree that was
 * never installed, or that another package manager installs, is left alone. Holds the project lock, like every install of Multiverse. When
 * arborist fails (an unresolvable tree, an unreachable registry) it rolls its changes back, so the
 * previous tree stays; the error says so and names the command to run.
 */
export async function updateMainTree(projectDir: string, options: UpdateMainTreeOptions = {}): Promise<MainTreeResult> {
  const root = path.resolve(projectDir);
  const before = await topLevelPackages(root);
  if (before === null) return { updated: false, removed: [], added: [], leftTo: null };
  const manager = await detectPackageManager(root, await readManifest(path.join(root, 'package.json')));
  if (manager.name !== 'npm') return { updated: false, removed: [], added: [], leftTo: installCommand(manager.name) };
  return withProjectLock(root, async () => {
    const npmConfig = await readNpmConfig(root);
    const reification = reifyWithProgress(arboristOptions(npmConfig, { path: root }), options.onProgress, options.signal);
    try {
      await reification.done;
    } catch (error) {
      if (options.signal?.aborted) throw cancelledError('the main tree', reification.step(), options.signal.reason);
      const failure = installError('the main tree', npmConfig.registry, error);
      const message = `${failure.message} The app's node_modules was left as it was; run "npm install" in ${root} to see npm's own report.`;
      throw failure instanceof InputError ? new InputError(failure.code, message, { cause: error }) : new MultiverseError(failure.code, message, { cause: error });
    }
    const after = (await topLevelPackages(root)) ?? new Set<string>();
    options.onProgress?.({ phase: 'done', done: 0, total: 0, message: 'in line with package.json' });
    return { updated: true, removed: [...before].filter((n) => !after.has(n)).sort(), added: [...after].filter((n) => !before.has(n)).sort(), leftTo: null };
  });
}

/** What an update did to the top of node_modules, in words: `removed a; added b, c`, or `in line with package.json`. */
export function mainTreeChanges(result: MainTreeResult): string {
  const parts = [result.removed.length > 0 ? `removed ${result.removed.join(', ')}` : '', result.added.length > 0 ? `added ${result.added.join(', ')}` : ''].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('; ') : 'in line with package.json';
}

/** Names of the packages directly in `<root>/node_modules`; `null` when there is no node_modules. */
async function topLevelPackages(root: string): Promise<Set<string> | null> {
  const modules = path.join(root, 'node_modules');
  let entries: string[];
  try {
    entries = await readdir(modules);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const names = new Set<string>();
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    if (!entry.startsWith('@')) names.add(entry);
    else for (const scoped of await readdir(path.join(modules, entry)).catch(() => [] as string[])) names.add(`${entry}/${scoped}`);
  }
  return names;
}
