import * as path from 'node:path';
import { InputError } from '../errors';
import type { NamespaceMap } from '../install/map';
import { readTextIfExistsSync } from '../read-optional';

/**
 * Reads `.multiverse/map.json` synchronously (routing is set up while `node -r` preloads, before
 * anything can wait). `null` when the project has no map; a map that is not what `multiverse
 * install` writes is an error that says so.
 */
export function readMapSync(projectDir: string): NamespaceMap | null {
  const file = path.join(projectDir, '.multiverse', 'map.json');
  const text = readTextIfExistsSync(file);
  if (text === null) return null;
  let map: unknown;
  try {
    map = JSON.parse(text);
  } catch (error) {
    throw new InputError('EINVALIDMAP', `${file} is not valid JSON (${(error as Error).message}). Run "multiverse install" to write it again.`);
  }
  const problem = mapProblem(map);
  if (problem !== null) throw new InputError('EINVALIDMAP', `${file} ${problem}. Run "multiverse install" to write it again.`);
  return map as NamespaceMap;
}

function mapProblem(map: unknown): string | null {
  if (typeof map !== 'object' || map === null) return 'is not an object';
  const { version, namespaces } = map as { version?: unknown; namespaces?: unknown };
  if (version !== 1) return `has version ${JSON.stringify(version)}, this runtime reads version 1`;
  if (typeof namespaces !== 'object' || namespaces === null) return 'has no "namespaces" object';
  for (const [name, entry] of Object.entries(namespaces)) {
    const { root, packages, shared, scope } = (entry ?? {}) as Record<string, unknown>;
    if (typeof root !== 'string') return `gives namespace "${name}" no "root"`;
    if (typeof packages !== 'object' || packages === null) return `gives namespace "${name}" no "packages"`;
    if (!isStringArray(shared) || !isStringArray(scope)) return `gives namespace "${name}" a "shared" or "scope" that is not a list of strings`;
  }
  return null;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
