import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The project a preloaded `multiverse/register` serves: `MULTIVERSE_PROJECT` when set (what
 * `multiverse run` passes), else the nearest directory at or above `cwd` with a multiverse.json or
 * a .multiverse/map.json, else `cwd` itself (a project without namespaces: nothing is routed).
 */
export function findProjectDir(cwd: string, env: NodeJS.ProcessEnv): string {
  const explicit = env.MULTIVERSE_PROJECT;
  if (explicit !== undefined && explicit !== '') return path.resolve(cwd, explicit);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'multiverse.json')) || existsSync(path.join(dir, '.multiverse', 'map.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(cwd);
  }
}
