import { statSync } from 'node:fs';
import * as path from 'node:path';
import npa from 'npm-package-arg';
import { InputError } from '../errors';
import { nodeFeatures } from '../node-features';
import { assertValidName, nameProblem } from '../names';
import { resolveInside } from '../paths';
import { ProxiedSingleton } from './proxied-singleton';

export type Isolation = 'worker' | 'process';

/**
 * Node's permission model for a process extension: a seat belt against mistakes, not a sandbox.
 * No Node line this runs on restricts the network. Workers stay under the model; child processes
 * inherit it from Node 22.18 / 24.4, so before that granting `childProcess` lets the extension
 * start unrestricted code (runtime/README.md has the table per Node line).
 */
export interface Permissions {
  /** Paths the extension may read, besides its own directory, its dependency tree and the runtime. */
  fsRead?: string[];
  fsWrite?: string[];
  childProcess?: boolean;
  worker?: boolean;
}

export interface Limits {
  /** Old-generation heap limit: the extension dies with EEXTENSIONOOM instead of taking memory from the host. */
  memoryMb?: number;
  /** Default timeout of each call to this extension (0: none). Synchronous calls default to 30 s. */
  callTimeoutMs?: number;
  /** How long loading may take before the extension is killed (default 30 s). */
  startTimeoutMs?: number;
  /** How long `stop()` may take before the extension is killed (default 5 s). */
  stopTimeoutMs?: number;
}

/** Restart an extension that crashed, at most `maxRestarts` times within `windowMs`. */
export interface RestartPolicy {
  maxRestarts?: number;
  windowMs?: number;
  delayMs?: number;
}

export interface LoadOptions {
  /** Letters, digits, "_", "." and "-"; see `nameProblem`. */
  name: string;
  /** The extension module or its directory, relative to the manager's root and inside it. */
  path: string;
  isolation?: Isolation;
  /** npm dependencies installed into the extension's own tree. */
  dependencies?: Record<string, string>;
  /** Host objects the extension calls through `this.apis.<name>`; a ProxiedSingleton class registers its instance. */
  apis?: Record<string, object>;
  permissions?: Permissions;
  limits?: Limits;
  /** Extra environment variables, on top of the host's. */
  env?: Record<string, string>;
  /** Restart the extension when a file in its directory changes. */
  watch?: boolean;
  /** Start under the inspector on 127.0.0.1 at this port, for a debugger to attach. */
  inspect?: number;
  restart?: RestartPolicy | boolean;
}

export interface ExtensionSpec {
  name: string;
  isolation: Isolation;
  /** The directory the extension lives in (watched, readable under permissions). */
  directory: string;
  /** The module file that default-exports the extension class. */
  entry: string;
  dependencies: Record<string, string>;
  apis: Record<string, object>;
  permissions: Permissions | undefined;
  limits: Required<Limits>;
  env: Record<string, string>;
  watch: boolean;
  inspect: number | undefined;
  restart: Required<RestartPolicy> | undefined;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/**
 * Checks every option and settles defaults. The name is checked before anything else, so no path is
 * ever built from a bad name; the extension path must stay inside `root`.
 */
export function normalizeLoadOptions(root: string, options: LoadOptions, defaultTimeoutMs: number): ExtensionSpec {
  if (typeof options !== 'object' || options === null) throw new InputError('EINVALIDOPTIONS', 'manager.load() expects an options object with at least { name, path }.');
  assertValidName('extension', options.name);
  const name = options.name;
  const where = `extension "${name}"`;
  const isolation = options.isolation ?? 'worker';
  if (isolation !== 'worker' && isolation !== 'process') throw new InputError('EINVALIDOPTIONS', `${where}: isolation must be "worker" or "process", got ${JSON.stringify(isolation)}.`);
  if (typeof options.path !== 'string' || options.path === '') throw new InputError('EINVALIDOPTIONS', `${where}: path must be a non-empty string.`);
  const { directory, entry } = locateEntry(resolveInside(root, options.path, `The path of ${where}`), where);
  const dependencies = checkDependencies(options.dependencies ?? {}, root, where);
  const apis = options.apis ?? {};
  for (const [key, value] of Object.entries(apis)) {
    const problem = nameProblem(key);
    if (problem !== undefined) throw new InputError('EINVALIDOPTIONS', `${where}: API name ${JSON.stringify(key)} ${problem}.`);
    const singletonClass = typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof ProxiedSingleton;
    if (!singletonClass && (typeof value !== 'object' || value === null)) throw new InputError('EINVALIDOPTIONS', `${where}: API "${key}" must be an object with methods or a ProxiedSingleton class.`);
  }
  if (options.permissions !== undefined && isolation !== 'process') {
    throw new InputError('EINVALIDOPTIONS', `${where}: permissions need isolation "process"; Node applies its permission model per process, not per worker.`);
  }
  const limits = options.limits ?? {};
  for (const key of ['memoryMb', 'callTimeoutMs', 'startTimeoutMs', 'stopTimeoutMs'] as const) {
    const value = limits[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new InputError('EINVALIDOPTIONS', `${where}: limits.${key} must be a non-negative number, got ${String(value)}.`);
  }
  const inspect = options.inspect;
  if (inspect !== undefined && !(Number.isInteger(inspect) && inspect >= 0 && inspect <= 65535)) throw new InputError('EINVALIDOPTIONS', `${where}: inspect must be a port number, got ${String(inspect)}.`);
  if (inspect !== undefined && options.permissions !== undefined && !nodeFeatures().permission.grants.has('inspector')) {
    throw new InputError(
      'EINVALIDOPTIONS',
      `${where}: inspect and permissions do not go together on Node ${process.versions.node}: its permission model turns the inspector off (Node 24.12 and later can allow it). Debug the extension without permissions, or run the host on a newer Node.`,
    );
  }
  const env = options.env ?? {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== 'string') throw new InputError('EINVALIDOPTIONS', `${where}: env.${key} must be a string.`);
  }
  const restart = options.restart === true ? {} : options.restart === false || options.restart === undefined ? undefined : options.restart;
  return {
    name,
    isolation,
    directory,
    entry,
    dependencies,
    apis,
    permissions: options.permissions === undefined ? undefined : normalizePermissions(options.permissions, root, where),
    limits: {
      memoryMb: limits.memoryMb ?? 0,
      callTimeoutMs: limits.callTimeoutMs ?? defaultTimeoutMs,
      startTimeoutMs: limits.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      stopTimeoutMs: limits.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
    },
    env,
    watch: options.watch === true,
    inspect,
    restart: restart === undefined ? undefined : { maxRestarts: restart.maxRestarts ?? 3, windowMs: restart.windowMs ?? 60_000, delayMs: restart.delayMs ?? 100 },
  };
}

/** A file is the entry itself; a directory's entry is what `require` would load from it (main or index). */
function locateEntry(absolute: string, where: string): { directory: string; entry: string } {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch (error) {
    throw new InputError('EEXTENSIONPATH', `${where}: ${absolute} does not exist.`, { cause: error });
  }
  if (!isDirectory) return { directory: path.dirname(absolute), entry: absolute };
  try {
    return { directory: absolute, entry: require.resolve(absolute) };
  } catch (error) {
    throw new InputError('EEXTENSIONPATH', `${where}: ${absolute} has no entry module (no "main" in its package.json and no index.js).`, { cause: error });
  }
}

function checkDependencies(dependencies: Record<string, string>, root: string, where: string): Record<string, string> {
  if (typeof dependencies !== 'object' || dependencies === null || Array.isArray(dependencies)) throw new InputError('EINVALIDOPTIONS', `${where}: dependencies must be an object of package names to specs.`);
  for (const [pkg, spec] of Object.entries(dependencies)) {
    if (typeof spec !== 'string') throw new InputError('EINVALIDSPEC', `${where}: the spec of dependency "${pkg}" must be a string, got ${typeof spec}.`);
    let parsed: npa.Result;
    try {
      parsed = npa.resolve(pkg, spec, root);
    } catch (error) {
      throw new InputError('EINVALIDSPEC', `${where}: dependency ${JSON.stringify(pkg)}: ${JSON.stringify(spec)} is not a valid npm spec (${(error as Error).message})`, { cause: error });
    }
    if ((parsed.type === 'file' || parsed.type === 'directory') && parsed.fetchSpec !== null) resolveInside(root, parsed.fetchSpec, `${where}: dependency "${pkg}"`);
  }
  return dependencies;
}

function normalizePermissions(permissions: Permissions, root: string, where: string): Permissions {
  const paths = (list: unknown, key: string): string[] => {
    if (list === undefined) return [];
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p !== '')) throw new InputError('EINVALIDOPTIONS', `${where}: permissions.${key} must be a list of paths.`);
    // Relative grants are relative to the project; absolute ones are the user's explicit choice.
    return list.map((p: string) => path.resolve(root, p));
  };
  return {
    fsRead: paths(permissions.fsRead, 'fsRead'),
    fsWrite: paths(permissions.fsWrite, 'fsWrite'),
    childProcess: permissions.childProcess === true,
    worker: permissions.worker === true,
  };
}
