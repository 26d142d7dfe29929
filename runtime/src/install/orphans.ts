import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { ProjectConfig } from '../config';
import { isInstalledTree } from './fingerprint';
import { readMap } from './map';

/** A namespace installed under .multiverse/ that multiverse.json no longer declares. */
export interface OrphanedNamespace {
  name: string;
  /** Its tree folder, when one is still installed. */
  tree: string | null;
  /** Whether `.multiverse/map.json` still routes imports to it (then the program loads its copies). */
  mapped: boolean;
}

/**
 * Namespaces left behind in `.multiverse/`: a tree this installer made, or a map.json entry, whose
 * namespace `config` does not declare (all of them when the project has no multiverse.json).
 * `multiverse install` removes them; until then `check` reports them.
 */
export async function orphanedNamespaces(projectDir: string, config: ProjectConfig | null): Promise<OrphanedNamespace[]> {
  const root = path.resolve(projectDir);
  const declared = (name: string): boolean => config !== null && Object.hasOwn(config.namespaces, name);
  const orphans = new Map<string, OrphanedNamespace>();
  const entries = await readdir(path.join(root, '.multiverse'), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    // Dot folders are the store, extension trees and staging folders, never namespaces.
    if (!entry.isDirectory() || entry.name.startsWith('.') || declared(entry.name)) continue;
    const tree = path.join(root, '.multiverse', entry.name);
    if (await isInstalledTree(tree)) orphans.set(entry.name, { name: entry.name, tree, mapped: false });
  }
  const map = await readMap(root);
  for (const name of Object.keys(map?.namespaces ?? {})) {
    if (declared(name)) continue;
    const known = orphans.get(name);
    orphans.set(name, { name, tree: known?.tree ?? null, mapped: true });
  }
  return [...orphans.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
