import { statSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { ResolverCache } from '../resolver';
import type { AddonPolicy } from './addons';

/**
 * How a namespace loads ES modules (see runtime/README.md):
 * `paths` (default): Node's own loader, from the root or, when the root is already in use, from a
 * hard-linked copy of it; no loader hooks, native speed.
 * `hooks`: one process-wide set of `module.register()` hooks that tag module URLs per namespace;
 * exact bookkeeping and no copies, at Node 20's off-thread hook cost for every ES module in the process.
 */
export type EsmStrategy = 'paths' | 'hooks';

// Checks of createNamespace's options: each returns the usable value or throws an InputError that
// names the namespace, the option and what to do.

export function checkRoot(name: string, root: unknown): string {
  if (typeof root !== 'string' || root === '') {
    throw new InputError('EINVALIDOPTIONS', `Namespace "${name}" needs "root", the directory holding its node_modules; got ${JSON.stringify(root)}.`);
  }
  const absolute = path.resolve(root);
  if (statSync(absolute, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new InputError('ENOROOT', `Namespace "${name}" root ${absolute} does not exist or is not a directory. Run "multiverse install" or pass the directory that holds the namespace's node_modules.`);
  }
  const real = new ResolverCache().realpath(absolute);
  if (statSync(path.join(real, 'node_modules'), { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new InputError('ENONODEMODULES', `Namespace "${name}" root ${real} has no node_modules directory, so nothing can load in it. Install its dependencies there first (for example "multiverse install").`);
  }
  return real;
}

export function checkShared(shared: unknown): Set<string> {
  if (shared === undefined) return new Set();
  if (!Array.isArray(shared) || !shared.every((s) => typeof s === 'string')) {
    throw new InputError('EINVALIDOPTIONS', `"shared" must be an array of package names, got ${JSON.stringify(shared)}.`);
  }
  return new Set(shared);
}

export function checkAddons(addons: unknown): AddonPolicy {
  if (addons === undefined || addons === 'refuse' || addons === 'copy') return addons ?? 'refuse';
  throw new InputError('EINVALIDOPTIONS', `"addons" must be "refuse" or "copy", got ${JSON.stringify(addons)}.`);
}

export function checkEsm(esm: unknown): EsmStrategy {
  if (esm === undefined || esm === 'paths' || esm === 'hooks') return esm ?? 'paths';
  throw new InputError('EINVALIDOPTIONS', `"esm" must be "paths" or "hooks", got ${JSON.stringify(esm)}.`);
}
