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

test('in a Yarn Berry project the registries and credentials come from .yarnrc.yml, not .npmrc', async () => {
  const project = path.join(workDir, 'berry');
  await mkdir(project, { recursive: true });
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'app', packageManager: 'yarn@4.18.1' }));
  await writeFile(path.join(project, '.npmrc'), ['registry=https://ignored.example/', '//ignored.example/:_authToken=nope', 'fetch-retries=0'].join('\n'));
  await writeFile(
    path.join(project, '.yarnrc.yml'),
    [
      'npmRegistryServer: "https://npm.corp.example/repo"',
      'npmAuthToken: "${CORP_TOKEN}"',
      'npmScopes:',
      '  corp:',
      '    npmRegistryServer: "https://scoped.example"',
      '    npmAuthIdent: "me:pa55"',
      'npmRegistries:',
      '  "//mirror.example/npm":',
      '    npmAuthToken: "${MIRROR_TOKEN:-fallback}"',
    ].join('\n'),
  );
  const env = { npm_config_userconfig: path.join(workDir, 'none'), npm_config_globalconfig: path.join(workDir, 'none'), CORP_TOKEN: 's3cret' };
  const config = await readNpmConfig(project, env);
  assert.equal(config.registry, 'https://npm.corp.example/repo/');
  assert.equal(config.files[0], path.join(project, '.yarnrc.yml'));
  assert.deepEqual(config.options, {
    registry: 'https://npm.corp.example/repo/',
    '//npm.corp.example/repo/:_authToken': 's3cret',
    '@corp:registry': 'https://scoped.example/',
    '//scoped.example/:_auth': Buffer.from('me:pa55').toString('base64'),
    '//mirror.example/npm/:_authToken': 'fallback',
    fetchRetries: 0,
  });
  await assert.rejects(readNpmConfig(project, { ...env, CORP_TOKEN: undefined }), /\.yarnrc\.yml uses \$\{CORP_TOKEN\}, but the environment variable CORP_TOKEN is not set/);
  // Yarn classic, pnpm and Bun read .npmrc as npm does.
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'app', packageManager: 'pnpm@10.34.9' }));
  assert.equal((await readNpmConfig(project, env)).registry, 'https://ignored.example/');
});
