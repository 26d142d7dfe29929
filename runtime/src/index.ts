export { MultiverseError, InputError } from './errors';
export { nameProblem, assertValidName } from './names';
export type { NameKind } from './names';
export { resolveInside } from './paths';
export { version } from './version';
export { resolveModule, ResolveError, ResolverCache } from './resolver';
export type { Resolution, ResolveOptions, ModuleFormat } from './resolver';
export { createNamespace, NamespaceModuleNotFoundError } from './namespace';
export type { Namespace, NamespaceOptions, NamespaceResolution, LoadedModule, AddonPolicy } from './namespace';
