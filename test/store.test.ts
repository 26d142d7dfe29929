import assert from 'node:assert/strict';
import { link, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { linkIntoStore } from 'multiverse/tooling';
import { makeWorkDir } from './support/project';

let workDir: string;
before(async () => {
  workDir = await makeWorkDir('multiverse-store-test-');
});
after(() => rm(workDir, { recursive: true, force: true }));

test('the store links identical files but leaves native addons as private copies', async () => {
  const store = path.join(workDir, 'store');
  for (const tree of ['a', 'b']) {
    await mkdir(path.join(workDir, tree, 'node_modules', 'addon', 'build'), { recursive: true });
    await writeFile(path.join(workDir, tree, 'node_modules', 'addon', 'index.js'), 'module.exports = 1;\n');
    await writeFile(path.join(workDir, tree, 'node_modules', 'addon', 'build', 'addon.node'), 'not really ELF');
    await writeFile(path.join(workDir, tree, 'node_modules', 'addon', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(path.join(workDir, tree, 'node_modules', '.package-lock.json'), '{}');
  }
  // Two paths of one inode, as an install script may leave them: both end up on the store's copy.
  await writeFile(path.join(workDir, 'b', 'node_modules', 'addon', 'tool'), 'a binary');
  await link(path.join(workDir, 'b', 'node_modules', 'addon', 'tool'), path.join(workDir, 'b', 'node_modules', 'addon', 'tool-copy'));
  // Same bytes as run.sh but not executable: must not share its inode (links share the mode).
  await writeFile(path.join(workDir, 'b', 'node_modules', 'addon', 'plain.sh'), '#!/bin/sh\n');
  const a = await linkIntoStore(path.join(workDir, 'a'), store);
  const b = await linkIntoStore(path.join(workDir, 'b'), store);
  assert.deepEqual([a.added, a.reused, a.copies], [2, 0, 1]);
  assert.deepEqual([b.added, b.reused, b.copies], [2, 3, 1]);
  const inode = async (tree: string, file: string): Promise<number> => (await stat(path.join(workDir, tree, 'node_modules', ...file.split('/')))).ino;
  assert.equal(await inode('a', 'addon/index.js'), await inode('b', 'addon/index.js'));
  assert.equal(await inode('a', 'addon/run.sh'), await inode('b', 'addon/run.sh'));
  assert.notEqual(await inode('b', 'addon/plain.sh'), await inode('b', 'addon/run.sh'));
  assert.notEqual(await inode('a', 'addon/build/addon.node'), await inode('b', 'addon/build/addon.node'));
  assert.notEqual(await inode('a', '.package-lock.json'), await inode('b', '.package-lock.json'));
  assert.equal((await stat(path.join(workDir, 'b', 'node_modules', 'addon', 'tool'))).nlink, 3, 'two paths and the store');
  assert.deepEqual((await readdir(path.join(workDir, 'b', 'node_modules', 'addon'))).sort(), ['build', 'index.js', 'plain.sh', 'run.sh', 'tool', 'tool-copy'], 'no temporary links left');
  const mode = async (tree: string, file: string): Promise<number> => (await stat(path.join(workDir, tree, 'node_modules', ...file.split('/')))).mode & 0o777;
  assert.equal(await mode('b', 'addon/index.js'), 0o444, 'shared files are read-only');
  assert.equal(await mode('b', 'addon/run.sh'), 0o555, 'and keep their executable bit');
  assert.equal(await mode('b', 'addon/build/addon.node'), 0o644, 'private copies stay as they were');
});
