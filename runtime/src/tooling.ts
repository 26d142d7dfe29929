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
export { defaultStore, installProject, installTree, linkIntoStore, mainTreeChanges, mapFile, namespaceDir, namespaceStatus, namespaceStatuses, orphanedNamespaces, ProgressDisplay, pruneStore, readMap, readNpmConfig, updateMainTree, withProjectLock } from './install';
export type { InstallProjectOptions, InstallProjectResult, InstallTreeOptions, MainTreeResult, NamespaceMap, NamespaceMapEntry, NamespaceState, NpmConfig, OrphanedNamespace, ProgressEvent, StoreResult, TreeStatus, UpdateMainTreeOptions } from './install';
export { applyIsolation, defaultNamespace, editJson, finishIsolation, MAIN_TREE, planIsolation, planIsolationOf, planMoveBack, planMoveBackOf, readProjectTexts, revertIsolation } from './isolate';
export type { DependencyField, FileEdit, FinishOptions, FinishResult, IsolationPlan, ManifestEdits, MoveBackPlan, ProjectTexts } from './isolate';
export { nodeFeatures } from './node-features';
export type { NodeFeatures, PermissionModel, PermissionScope } from './node-features';
export { resolveModule, ResolverCache } from './resolver';
export type { ResolveOptions } from './resolver';
