import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-write';

/** `.multiverse/map.json`: what the runtime routes by, generated from the installed trees. */
export interface NamespaceMap {
  version: 1;
  namespaces: Record<string, NamespaceMapEntry>;
}

export interface NamespaceMapEntry {
  /** Tree folder relative to the project root, forward slashes (`.multiverse/<name>`). */
  root: string;
  /** Installed version of each declared dependency (the packages this namespace provides). */
  packages: Record<string, string>;
  shared: string[];
  scope: string[];
}

export function mapFile(projectDir: string): string {
  return path.join(path.resolve(projectDir), '.multiverse', 'map.json');
}

export async function readMap(projectDir: string): Promise<NamespaceMap | null> {
  try {
    const map = JSON.parse(await readFile(mapFile(projectDir), 'utf8')) as NamespaceMap;
    return map.version === 1 && typeof map.namespaces === 'object' ? map : null;
  } catch {
    return null;
  }
}

export async function writeMap(projectDir: string, map: NamespaceMap): Promise<void> {
  await writeFileAtomic(mapFile(projectDir), `${JSON.stringify(map, null, 2)}\n`);
}

/** The installed version of each of `names` in the tree at `treeDir`, read from its lockfile. */
export async function installedVersions(treeDir: string, names: string[]): Promise<Record<string, string>> {
  const lock = JSON.parse(await readFile(path.join(treeDir, 'package-lock.json'), 'utf8')) as { packages?: Record<string, { version?: string }> };
  const versions: Record<string, string> = {};
  for (const name of names) {
    const version = lock.packages?.[`node_modules/${name}`]?.version;
    if (version !== undefined) versions[name] = version;
  }
  return versions;
}
