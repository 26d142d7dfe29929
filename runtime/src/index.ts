export { MultiverseError, InputError } from './errors';
export { nameProblem, assertValidName } from './names';
export type { NameKind } from './names';
export { resolveInside } from './paths';
export { version } from './version';
export { ConfigError, CONFIG_FILE, namespaceFor, parseConfig, readConfig } from './config';
export type { ConfigProblem, ExtensionConfig, NamespaceConfig, ProjectConfig } from './config';
