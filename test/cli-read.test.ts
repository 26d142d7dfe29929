import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './support/paths';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';
import { installWith, tempDir, writeFiles } from './support/workspace';

let registry: FixtureRegistry;
let conflicted: string;
let clean: string;
before(async () => {
  registry = await startFixtureRegistry();
  conflicted = await tempDir('cli-conflicted');
  await writeFiles(conflicted, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^2.0.0', 'fixture-peer': '^1.0.0', 'fixture-dual': '^1.0.0' } },
  });
  await installWith(conflicted, registry.url, { force: true });
  clean = await tempDir('cli-clean');
  await writeFiles(clean, { 'package.json': { name: 'clean', version: '1.0.0', dependencies: { 'fixture-dual': '^1.0.0' } } });
  await installWith(clean, registry.url);
});
after(() => registry.close());

const run = promisify(execFile);
const bin = path.join(repoRoot, 'runtime', 'bin', 'multiverse.js');

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('check exits 1 with the conflicts, 0 on a clean tree, 2 on bad input', async () => {
  const found = await cli(conflicted, 'check');
  assert.equal(found.code, 1);
  assert.match(found.stdout, /error +peer: Peer conflict \(npm: ERESOLVE\)/);
  assert.match(found.stdout, /at package\.json dependencies\.fixture-peer/);
  assert.match(found.stdout, /1 error, 0 warnings \(4 packages\)/);

  const ok = await cli(clean, 'check');
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /no conflicts \(2 packages\)/);

  const empty = await tempDir('cli-empty');
  const noManifest = await cli(empty, 'check');
  assert.equal(noManifest.code, 2);
  assert.match(noManifest.stderr, /no package\.json in /);

  await writeFiles(empty, { 'package.json': '{ "name": }' });
  const malformed = await cli(empty, 'check');
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /package\.json:1:11: value expected\./);

  assert.equal((await cli(clean, 'check', 'extra')).code, 2);
});

test('check --json and --singleton', async () => {
  const { code, stdout } = await cli(conflicted, 'check', '--json', '--singleton', 'fixture-lib');
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as { conflicts: { kind: string; package: string; severity: string; paths: string[] }[]; summary: { errors: number } };
  assert.deepEqual(report.conflicts.map((c) => `${c.kind}:${c.package}:${c.severity}`).sort(), ['peer:fixture-lib:error', 'singleton:fixture-lib:error']);
  assert.equal(report.summary.errors, 2, 'a duplicated singleton is an error a CI gate fails on');
  const singleton = report.conflicts.find((c) => c.kind === 'singleton');
  assert.deepEqual(singleton?.paths.map((p) => path.relative(conflicted, p)).sort(), [path.join('node_modules', 'fixture-dual', 'node_modules', 'fixture-lib'), path.join('node_modules', 'fixture-lib')]);
  const text = await cli(conflicted, 'check', '--singleton', 'fixture-lib');
  assert.match(text.stdout, /error +singleton: fixture-lib is installed 2 times .*\n +copies node_modules\/fixture-lib, node_modules\/fixture-dual\/node_modules\/fixture-lib\n +at package\.json/);
});

test('why lists every copy with its chains; an unknown package exits 1', async () => {
  const { code, stdout } = await cli(conflicted, 'why', 'fixture-lib');
  assert.equal(code, 0);
  assert.match(stdout, /fixture-lib@1\.0\.0 in the main tree\n {2}\S+node_modules\/fixture-dual\/node_modules\/fixture-lib\n {2}\(root\) > fixture-dual@1\.0\.0 > fixture-lib@1\.0\.0/);
  assert.match(stdout, /fixture-lib@2\.0\.0 in the main tree/);
  const json = JSON.parse((await cli(conflicted, 'why', 'fixture-lib', '--json')).stdout) as { copies: { version: string }[] };
  assert.deepEqual(json.copies.map((c) => c.version).sort(), ['1.0.0', '2.0.0']);
  const missing = await cli(conflicted, 'why', 'left-pad');
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /left-pad is not installed/);
  assert.equal((await cli(conflicted, 'why')).code, 2);
});

test('tree prints like npm ls with problems marked, --depth and --json; an unknown namespace exits 2', async () => {
  const text = await cli(conflicted, 'tree');
  assert.equal(text.code, 0);
  assert.equal(
    text.stdout.split('\n').slice(1).join('\n'),
    ['├── fixture-dual@1.0.0', '│   └── fixture-lib@1.0.0', '├── fixture-lib@2.0.0', '└── fixture-peer@1.0.0', '    └── fixture-lib@2.0.0 INVALID (wants "^1.0.0")', ''].join('\n'),
  );
  const shallow = await cli(conflicted, 'tree', '--depth', '1', '--json');
  const json = JSON.parse(shallow.stdout) as { name: string; dependencies: Record<string, { version: string; dependencies?: unknown }> };
  assert.equal(json.name, 'app');
  assert.deepEqual(Object.keys(json.dependencies), ['fixture-dual', 'fixture-lib', 'fixture-peer']);
  assert.equal(json.dependencies['fixture-dual']?.dependencies, undefined);
  const unknown = await cli(conflicted, 'tree', 'legacy');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no namespace "legacy" in multiverse\.json/);
  assert.equal((await cli(conflicted, 'tree', '--depth', '-1')).code, 2);
});

test('every read command has --help', async () => {
  for (const command of ['check', 'why', 'tree']) {
    const help = await cli(clean, command, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: multiverse ${command}`));
    assert.match(help.stdout, /Exit codes:/);
  }
});

test('namespaces: check reports one not installed, tree and why show an installed one', async () => {
  const dir = await tempDir('cli-ns');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^2.0.0' } },
    '.npmrc': `registry=${registry.url}\n`,
    'multiverse.json': { namespaces: { legacy: { dependencies: { 'fixture-dual': '^1.0.0' } } } },
  });
  await installWith(dir, registry.url);
  const before = await cli(dir, 'check');
  assert.equal(before.code, 1);
  assert.match(before.stdout, /namespace-not-installed: Namespace "legacy" is not installed/);
  assert.match(before.stdout, /at multiverse\.json namespaces\.legacy/);
  assert.equal((await cli(dir, 'tree', 'legacy')).code, 2);

  assert.equal((await cli(dir, 'install')).code, 0);
  const after = await cli(dir, 'check');
  assert.equal(after.code, 0, after.stdout);
  assert.match(after.stdout, /no conflicts \(3 packages, 1 namespace\)/);
  const tree = await cli(dir, 'tree', 'legacy');
  assert.equal(tree.code, 0);
  assert.match(tree.stdout, /\(namespace legacy\)\n└── fixture-dual@1\.0\.0\n {4}└── fixture-lib@1\.0\.0\n$/);
  const why = await cli(dir, 'why', 'fixture-lib');
  assert.match(why.stdout, /fixture-lib@2\.0\.0 in the main tree/);
  assert.match(why.stdout, /fixture-lib@1\.0\.0 in namespace "legacy"\n.*\n {2}\(namespace legacy\) > fixture-dual@1\.0\.0 > fixture-lib@1\.0\.0/);
});
