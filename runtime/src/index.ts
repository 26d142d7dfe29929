export { MultiverseError, InputError } from './errors';
export { nameProblem, assertValidName } from './names';
export type { NameKind } from './names';
export { resolveInside } from './paths';
export { version } from './version';
export { ConfigError, CONFIG_FILE, namespaceFor, parseConfig, readConfig } from './config';
export type { ConfigProblem, ExtensionConfig, NamespaceConfig, ProjectConfig } from './config';
export { analyzeProject, childrenOf, copiesOf, DEFAULT_SINGLETONS, dependencyChains, explainPackage, formatChain, ManifestError, namespaceRoot, nodeAt, edgeAt } from './analysis';
export type { AnalyzeOptions, Conflict, ConflictAnchor, ConflictKind, CopyExplanation, DependencyEdge, Dependent, EdgeProblem, EdgeType, NamespaceState, NamespaceSummary, PackageExplanation, PackageNode, ProjectAnalysis, TreeEntry, TreeGraph, TreeSource } from './analysis';
