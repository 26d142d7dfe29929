import * as path from 'node:path';
import { InputError } from './errors';

/**
 * Resolves `relative` against `root` and refuses the result unless it stays inside `root`.
 * Used for every path that comes from configuration (extension paths, namespace directories), so a
 * `../` in `multiverse.json` can never make Multiverse read or write outside the project.
 */
export function resolveInside(root: string, relative: string, what: string): string {
  const absoluteRoot = path.resolve(root);
  const resolved = path.resolve(absoluteRoot, relative);
  const rel = path.relative(absoluteRoot, resolved);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return resolved;
  throw new InputError(
    'EOUTSIDEROOT',
    `${what} ${JSON.stringify(relative)} resolves to ${resolved}, outside the project root ${absoluteRoot}. Use a path inside the project.`,
  );
}
