import * as path from 'node:path';
import { loadTree } from './load-tree';
import { readManifest } from './manifest';
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
  /** Packages that must be installed once; replaces nothing, adds to {@link DEFAULT_SINGLETONS}. */
  singletons?: readonly string[];
  /** Aborts between the expensive steps; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Analyses a project: its main tree (with npm workspaces) and the conflicts in it. Throws a
 * {@link ManifestError} when the root package.json is not valid JSON, so that callers can keep their
 * previous analysis while the user is typing instead of reporting a tree with no dependencies.
 */
export async function analyzeProject(projectDir: string, options: AnalyzeOptions = {}): Promise<ProjectAnalysis> {
  const dir = path.resolve(projectDir);
  const { signal } = options;
  signal?.throwIfAborted();
  await readManifest(path.join(dir, 'package.json'));
  signal?.throwIfAborted();
  const main = await loadTree(dir, null);
  signal?.throwIfAborted();
  const singletons = [...new Set([...DEFAULT_SINGLETONS, ...(options.singletons ?? [])])];
  return {
    projectDir: dir,
    main,
    namespaces: [],
    namespaceSummaries: [],
    configFile: null,
    conflicts: treeConflicts(main, singletons),
    problems: [],
  };
}
