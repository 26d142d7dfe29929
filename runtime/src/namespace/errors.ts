import { MultiverseError } from '../errors';
import { barePackageName } from './bare-name';

/** A module a namespace could not find, with everything needed to fix it. */
export class NamespaceModuleNotFoundError extends MultiverseError {
  readonly namespace: string;
  readonly specifier: string;
  readonly fromFile: string;
  /** What to do about a missing package (empty for relative and absolute specifiers); editors show it too. */
  readonly fix: string;

  constructor(namespace: string, root: string, specifier: string, fromFile: string, cause: Error) {
    const name = barePackageName(specifier);
    const fix =
      name === null
        ? ''
        : `Namespace "${namespace}" resolves packages only from ${root}/node_modules: add "${name}" to its dependencies (and run "multiverse install"), or list it in "shared" to use the app's copy.`;
    super('MODULE_NOT_FOUND', `Cannot find module '${specifier}' in namespace "${namespace}", imported from ${fromFile}. ${cause.message}${fix === '' ? '' : ` ${fix}`}`, {
      cause,
    });
    this.name = 'NamespaceModuleNotFoundError';
    this.namespace = namespace;
    this.specifier = specifier;
    this.fromFile = fromFile;
    this.fix = fix;
  }
}

/** Thrown by every entry point of a namespace after `dispose()`. */
export function disposedError(namespace: string, what: string): MultiverseError {
  return new MultiverseError('ENAMESPACEDISPOSED', `Namespace "${namespace}" was disposed; ${what} is no longer possible. Create a new namespace instead.`);
}
