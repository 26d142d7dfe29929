/**
 * `multiverse/tooling`: what editors, the CLI and other tools use to analyse, install and edit a
 * project. Apps do not need it: `multiverse` exports the run-time API. These helpers follow the
 * package's version but are not held to the app API's compatibility promises.
 */
export { nameProblem, assertValidName } from './names';
export type { NameKind } from './names';
export { resolveInside } from './paths';
export { CONFIG_FILE, namespaceFor, parseConfig, readConfig } from './config';
export type { ExtensionConfig, NamespaceConfig, ProjectConfig } from './config';
export { analyzeProject, childrenOf, copiesOf, DEFAULT_SINGLETONS, dependencyChains, explainPackage, formatChain, loadTree, ManifestError, manifestField, nodeAt, edgeAt } from './analysis';
export type { AnalyzeOptions, Conflict, ConflictAnchor, ConflictKind, CopyExplanation, DependencyEdge, Dependent, EdgeProblem, EdgeType, NamespaceSummary, PackageExplanation, PackageManagerName, PackageNode, ProjectAnalysis, TreeEntry, TreeGraph, TreeSource } from './analysis';
export { DEPENDENCY_RECORD_GLOBS, detectPackageManager, isDependencyRecord } from './package-manager';
export type { Linker, PackageManager } from './package-manager';
export { defaultStore, installProject, installTree, linkIntoStore, mapFile, namespaceDir, namespaceStatus, ProgressDisplay, pruneStore, readMap, readNpmConfig } from './install';
export type { InstallProjectOptions, InstallProjectResult, InstallTreeOptions, NamespaceMap, NamespaceMapEntry, NamespaceState, NpmConfig, ProgressEvent, StoreResult } from './install';
export { applyIsolation, defaultNamespace, planIsolation, revertIsolation } from './isolate';
export type { FileEdit, IsolationPlan } from './isolate';
export { resolveModule, ResolverCache } from './resolver';
export type { ResolveOptions } from './resolver';
