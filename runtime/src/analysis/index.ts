import * as path from 'node:path';
import { CONFIG_FILE, readConfig, type ProjectConfig } from '../config';
import { namespaceStatuses, orphanedNamespaces, type TreeStatus } from '../install';
import { loadTree } from './load-tree';
import { readManifest } from './manifest';
import { analyzeNamespaces, anchorNamespaceConflicts, orphanConflicts, sharedConflicts } from './namespaces';
import { DEFAULT_SINGLETONS, treeConflicts } from './tree-conflicts';
import type { ProjectAnalysis } from './types';

export * from './types';
export { ManifestError, parseManifest } from './manifest';
export { DEFAULT_SINGLETONS } from './tree-conflicts';
export { anchorsFor, copiesOf, dependencyChains, describeNode, edgeAt, formatChain, manifestField, nodeAt } from './graph';
export { loadTree } from './load-tree';
export { explainPackage, type CopyExplanation, type PackageExplanation } from './explain';
export { childrenOf, type TreeEntry } from './tree-view';

export interface AnalyzeOptions {
  /** Packages that must be installed once, in addition to {@link DEFAULT_SINGLETONS}. */
  singletons?: readonly string[];
  /** Aborts between the expensive steps; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How each namespace stands on disk; defaults to the installer's fingerprint check. */
  namespaceStatus?: (projectDir: string, config: ProjectConfig) => Promise<Record<string, TreeStatus>>;
}

/**
 * Analyses a project: its main tree (with npm workspaces), every namespace tree of multiverse.json,
 * and the conflicts in and between them. Throws a {@link ManifestError} when the root package.json is
 * not valid JSON and a `ConfigError` when multiverse.json is not usable, so that callers can keep
 * their previous analysis while the user is typing instead of reporting a tree with no dependencies.
 */
export async function analyzeProject(projectDir: string, options: AnalyzeOptions = {}): Promise<ProjectAnalysis> {
  const dir = path.resolve(projectDir);
  const { signal } = options;
  signal?.throwIfAborted();
  await readManifest(path.join(dir, 'package.json'));
  const config = await readConfig(dir);
  signal?.throwIfAborted();
  const main = await loadTree(dir, null);
  signal?.throwIfAborted();
  const singletons = [...new Set([...DEFAULT_SINGLETONS, ...(options.singletons ?? [])])];
  const allowDuplicates = config?.allowDuplicates ?? [];
  const conflicts = treeConflicts(main, singletons, allowDuplicates);
  conflicts.push(...orphanConflicts(dir, config === null ? null : config.file || path.join(dir, CONFIG_FILE), await orphanedNamespaces(dir, config)));
  if (config === null) return { projectDir: dir, main, namespaces: [], namespaceSummaries: [], configFile: null, config: null, conflicts };

  const statuses = await (options.namespaceStatus ?? namespaceStatuses)(dir, config);
  const namespaces = await analyzeNamespaces(dir, config, statuses, main, signal);
  conflicts.push(...namespaces.conflicts);
  for (const tree of namespaces.trees) {
    const summary = namespaces.summaries.find((s) => s.name === tree.namespace);
    if (!summary) continue;
    // Shared packages always come from the app's tree, whatever copy the namespace has: judge
    // them against the app's copy, not the namespace's own.
    const shared = new Set(summary.shared);
    const own = treeConflicts(tree, singletons, allowDuplicates).filter((c) => !shared.has(c.package));
    conflicts.push(...anchorNamespaceConflicts(own, tree, config.file), ...sharedConflicts(tree, summary, main, config.file));
  }
  return {
    projectDir: dir,
    main,
    namespaces: namespaces.trees,
    namespaceSummaries: namespaces.summaries,
    configFile: config.file || path.join(dir, CONFIG_FILE),
    config,
    conflicts,
  };
}
