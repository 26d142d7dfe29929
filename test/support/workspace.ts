import Arborist from '@npmcli/arborist';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

const created = new Set<string>();

/** A fresh empty folder under the OS temp dir, removed when the test process exits. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `multiverse-${prefix}-`));
  if (created.size === 0) process.once('exit', () => created.forEach((d) => rmSync(d, { recursive: true, force: true })));
  created.add(dir);
  return dir;
}

/** Writes `files` (relative path → contents; objects are written as formatted JSON) under `dir`. */
export async function writeFiles(dir: string, files: Record<string, string | object>): Promise<void> {
  for (const [relative, contents] of Object.entries(files)) {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof contents === 'string' ? contents : `${JSON.stringify(contents, null, 2)}\n`);
  }
}

/**
 * Installs `dir` (which must hold a package.json) with the real arborist against `registry`, the way
 * `npm install` would. `force` installs over peer conflicts, as `npm install --force` does, which is
 * how users end up with the broken trees the analysis has to explain.
 */
export async function installWith(dir: string, registry: string, options: { force?: boolean } = {}): Promise<void> {
  const cache = path.join(os.tmpdir(), 'multiverse-test-npm-cache');
  await new Arborist({ path: dir, registry, cache, force: options.force ?? false, audit: false, fund: false, ignoreScripts: true } as Arborist.Options).reify();
}
