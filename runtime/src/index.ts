export { MultiverseError, InputError } from './errors';
export { nameProblem, assertValidName } from './names';
export type { NameKind } from './names';
export { resolveInside } from './paths';
export { version } from './version';
