import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import Arborist from '@npmcli/arborist';
import { packFixtures, type PackedFixture } from './support/fixtures';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';

const run = promisify(execFile);

let fixtures: PackedFixture[];
let registry: FixtureRegistry;
let workDir: string;

before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'multiverse-fixtures-test-'));
  fixtures = await packFixtures(path.join(workDir, 'packed'));
  registry = await startFixtureRegistry(fixtures);
});

after(async () => {
  await registry.close();
  await rm(workDir, { recursive: true, force: true });
});

test('packs both fixture-lib versions and the other fixture packages', () => {
  const ids = fixtures.map((f) => `${f.name}@${f.version}`).sort();
  assert.deepEqual(ids, ['fixture-darwin-only@1.0.0', 'fixture-dual@1.0.0', 'fixture-esm@1.0.0', 'fixture-lib@1.0.0', 'fixture-lib@2.0.0', 'fixture-peer@1.0.0', 'fixture-sync@1.0.0', 'fixture-watcher@1.0.0']);
  for (const f of fixtures) assert.match(f.integrity, /^sha512-/);
});

test('tarballs hold the package files under package/', async () => {
  const dual = fixtures.find((f) => f.name === 'fixture-dual');
  assert.ok(dual);
  const { stdout } = await run('tar', ['-tzf', dual.tarball]);
  const files = stdout.trim().split('\n').sort();
  assert.deepEqual(files, [
    'package/cjs/feature.cjs',
    'package/cjs/index.cjs',
    'package/cjs/shared.cjs',
    'package/esm/feature.mjs',
    'package/esm/index.mjs',
    'package/esm/shared.mjs',
    'package/package.json',
  ]);
});

test('the fixture registry serves packuments with semver-resolvable versions', async () => {
  const response = await fetch(`${registry.url}fixture-lib`);
  assert.equal(response.status, 200);
  const doc = (await response.json()) as { 'dist-tags': { latest: string }; versions: Record<string, unknown> };
  assert.equal(doc['dist-tags'].latest, '2.0.0');
  assert.deepEqual(Object.keys(doc.versions), ['1.0.0', '2.0.0']);
  assert.equal((await fetch(`${registry.url}no-such-package`)).status, 404);
});

test('arborist installs fixtures from the registry and honours ranges of dependencies', async () => {
  const project = path.join(workDir, 'project');
  await run('mkdir', ['-p', project]);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', dependencies: { 'fixture-dual': '^1.0.0', 'fixture-esm': '1.0.0' } }));
  const arb = new Arborist({ path: project, registry: registry.url, cache: path.join(workDir, 'cache'), audit: false, fund: false });
  await arb.reify();
  const lock = JSON.parse(await readFile(path.join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  // fixture-dual wants fixture-lib ^1, fixture-esm wants ^2: npm nests one of them.
  const libs = Object.entries(lock.packages).filter(([loc]) => loc.endsWith('node_modules/fixture-lib')).map(([, p]) => p.version).sort();
  assert.deepEqual(libs, ['1.0.0', '2.0.0']);
  const { stdout } = await run(process.execPath, ['-e', 'console.log(require("fixture-dual").libVersion)'], { cwd: project });
  assert.equal(stdout.trim(), '1.0.0');
});
