import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { readNpmConfig } from 'multiverse/tooling';
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
