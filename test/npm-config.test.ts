import assert from 'node:assert/strict';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { linkIntoStore, readNpmConfig } from 'multiverse';
import { makeWorkDir } from './support/project';

let workDir: string;
before(async () => {
  workDir = await makeWorkDir('multiverse-npmconfig-test-');
});
after(() => rm(workDir, { recursive: true, force: true }));

test('layers env over project .npmrc over user .npmrc and keeps per-registry auth keys', async () => {
  const project = path.join(workDir, 'project');
  await mkdir(project, { recursive: true });
  const userrc = path.join(workDir, 'userrc');
  await writeFile(userrc, ['registry=https://user.example/', 'prefer-offline=true', '//npm.corp.example/:_authToken=${CORP_TOKEN}', 'color=false', 'cache=/tmp/somewhere'].join('\n'));
  await writeFile(path.join(project, '.npmrc'), ['; a comment', 'registry = "https://npm.corp.example"', '@corp:registry=https://npm.corp.example/', 'fetch-retries=0', 'optional-token=${NOT_SET?}'].join('\n'));
  const env = { npm_config_userconfig: userrc, npm_config_globalconfig: path.join(workDir, 'none'), CORP_TOKEN: 's3cret', npm_config_strict_ssl: 'false' };
  const config = await readNpmConfig(project, env);
  assert.equal(config.registry, 'https://npm.corp.example/');
  assert.deepEqual(config.files, [path.join(project, '.npmrc'), userrc]);
  assert.deepEqual(config.options, {
    registry: 'https://npm.corp.example/',
    preferOffline: true,
    '//npm.corp.example/:_authToken': 's3cret',
    '@corp:registry': 'https://npm.corp.example/',
    fetchRetries: 0,
    strictSSL: false,
    cache: path.join('/tmp/somewhere', '_cacache'),
  });
  await assert.rejects(readNpmConfig(project, { ...env, CORP_TOKEN: undefined }), /userrc uses \$\{CORP_TOKEN\}, but the environment variable CORP_TOKEN is not set/);
});

test('the store links identical files but leaves native addons as private copies', async () => {
  const store = path.join(workDir, 'store');
  for (const tree of ['a', 'b']) {
    await mkdir(path.join(workDir, tree, 'node_modules', 'addon', 'build'), { recursive: true });
    await writeFile(path.join(workDir, tree, 'node_modules', 'addon', 'index.js'), 'module.exports = 1;\n');
    await writeFile(path.join(workDir, tree, 'node_modules', 'addon', 'build', 'addon.node'), 'not really ELF');
    await writeFile(path.join(workDir, tree, 'node_modules', 'addon', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(path.join(workDir, tree, 'node_modules', '.package-lock.json'), '{}');
  }
  // Same bytes as run.sh but not executable: must not share its inode (links share the mode).
  await writeFile(path.join(workDir, 'b', 'node_modules', 'addon', 'plain.sh'), '#!/bin/sh\n');
  const a = await linkIntoStore(path.join(workDir, 'a'), store);
  const b = await linkIntoStore(path.join(workDir, 'b'), store);
  assert.deepEqual([a.added, a.reused, a.copies], [2, 0, 1]);
  assert.deepEqual([b.added, b.reused, b.copies], [1, 2, 1]);
  const inode = async (tree: string, file: string): Promise<number> => (await stat(path.join(workDir, tree, 'node_modules', ...file.split('/')))).ino;
  assert.equal(await inode('a', 'addon/index.js'), await inode('b', 'addon/index.js'));
  assert.equal(await inode('a', 'addon/run.sh'), await inode('b', 'addon/run.sh'));
  assert.notEqual(await inode('b', 'addon/plain.sh'), await inode('b', 'addon/run.sh'));
  assert.notEqual(await inode('a', 'addon/build/addon.node'), await inode('b', 'addon/build/addon.node'));
  assert.notEqual(await inode('a', '.package-lock.json'), await inode('b', '.package-lock.json'));
});
