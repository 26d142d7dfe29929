import picomatch from 'picomatch';
import { InputError } from '../errors';
import type { ProjectConfig } from './types';

/**
 * Which namespace serves an import of `packageName` from the app file at `relativeFile` (relative to
 * the project root, forward slashes): the declaring namespace whose scope matches the file, else
 * the one declaring namespace without a scope, else `null` (the app's own tree).
 * Throws when two scoped namespaces both match the file: the config cannot decide.
 */
export function namespaceFor(config: ProjectConfig, packageName: string, relativeFile: string): string | null {
  const declarers = Object.entries(config.namespaces).filter(([, ns]) => packageName in ns.dependencies);
  if (declarers.length === 0) return null;
  const matching = declarers.filter(([, ns]) => ns.scope.length > 0 && picomatch(ns.scope, { dot: true })(relativeFile));
  if (matching.length > 1) {
    throw new InputError(
      'EAMBIGUOUS',
      `${relativeFile} imports "${packageName}", which namespaces ${matching.map(([n]) => `"${n}"`).join(' and ')} both declare, and the file matches the scope of each. Narrow their "scope" globs in ${config.file} so only one matches.`,
    );
  }
  const chosen = matching[0] ?? declarers.find(([, ns]) => ns.scope.length === 0);
  return chosen ? chosen[0] : null;
}
