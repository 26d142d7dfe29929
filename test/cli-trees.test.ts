import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { cli, closeFixtureWorkspace, makeProject, openFixtureWorkspace } from './support/project';
import type { FixtureRegistry } from './support/registry';

let registry: FixtureRegistry;
let workDir: string;

before(async () => ({ registry, workDir } = await openFixtureWorkspace('multiverse-cli-trees-test-')));
after(() => closeFixtureWorkspace({ registry, workDir }));

// Tabs, a custom key order and a trailing newline-less end: isolate must keep all of it.
const appManifest = '{\n\t"name": "app",\n\t"version": "1.0.0",\n\t"dependencies": {\n\t\t"fixture-dual": "^1.0.0",\n\t\t"fixture-esm": "1.0.0"\n\t},\n\t"devDependencies": {\n\t\t"fixture-peer": "1.0.0"\n\t}\n}';

async function snapshot(project: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(project)) {
    if (name !== '.multiverse') files[name] = await readFile(path.join(project, name), 'utf8');
  }
  return files;
}

test('install and isolate have --help', async () => {
  const project = await makeProject(workDir, registry.url);
  for (const command of ['install', 'isolate']) {
    const { code, stdout } = await cli(project, command, '--help');
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`^Usage: multiverse ${command}`));
  }
  assert.match((await cli(project, '--help')).stdout, /install .*\n.*isolate/);
});

test('isolate moves a dependency into a namespace keeping package.json formatting, then installs it', async () => {
  const project = await makeProject(workDir, registry.url, { 'package.json': appManifest });
  const { code, stdout, stderr } = await cli(project, 'isolate', 'fixture-esm', '--namespace', 'modern');
  assert.equal(code, 0, stderr);
  assert.match(stdout, /moved fixture-esm@1\.0\.0 from package\.json dependencies to namespace "modern" in multiverse\.json/);
  assert.match(stdout, /modern: installed \(fixture-esm@1\.0\.0\)/);
  assert.match(stderr, /modern: installing 2 packages/, 'plain progress lines when stderr is not a TTY');
  assert.equal(await readFile(path.join(project, 'package.json'), 'utf8'), appManifest.replace(',\n\t\t"fixture-esm": "1.0.0"', ''));
  assert.deepEqual(JSON.parse(await readFile(path.join(project, 'multiverse.json'), 'utf8')), { namespaces: { modern: { dependencies: { 'fixture-esm': '1.0.0' } } } });

  // A second isolate edits the existing multiverse.json in place, keeping a comment in it.
  await writeFile(path.join(project, 'multiverse.json'), '{\n  // our namespaces\n  "namespaces": {\n    "modern": { "dependencies": { "fixture-esm": "1.0.0" } }\n  }\n}\n');
  const second = await cli(project, 'isolate', 'fixture-peer', '--json', '--no-install');
  assert.equal(second.code, 0, second.stderr);
  const result = JSON.parse(second.stdout) as { namespace: string; field: string; install: unknown };
  assert.deepEqual([result.namespace, result.field, result.install], ['fixture-peer-1', 'devDependencies', null]);
  const config = await readFile(path.join(project, 'multiverse.json'), 'utf8');
  assert.match(config, /\/\/ our namespaces/);
  assert.match(config, /"fixture-peer-1": \{\n\s+"dependencies": \{\n\s+"fixture-peer": "1\.0\.0"/);

  // From another folder, with the project named by -C, as the read commands take it.
  const install = await cli(workDir, 'install', '--json', '-C', project);
  assert.equal(install.code, 0, install.stderr);
  const installed = JSON.parse(install.stdout) as { namespaces: Record<string, { changed: boolean; packages: object }> };
  assert.deepEqual(installed.namespaces.modern, { changed: false, dir: path.join(project, '.multiverse', 'modern'), packages: { 'fixture-esm': '1.0.0' } });
  assert.equal(installed.namespaces['fixture-peer-1']?.changed, true);
});

test('bad input exits 2 with a clear message and changes no file of the user', async () => {
  const project = await makeProject(workDir, registry.url, {
    'package.json': appManifest,
    'multiverse.json': '{ "namespaces": { "old": { "dependencies": { "fixture-esm": "1.0.0" } } } }\n',
  });
  const before = await snapshot(project);
  const cases: [string[], RegExp][] = [
    [['isolate', 'fixture-dual', '--namespace', '../escape'], /Invalid namespace name "\.\.\/escape": it must not contain "\.\."/],
    [['isolate', 'fixture-dual', '--namespace', '.hidden'], /Invalid namespace name "\.hidden"/],
    [['isolate', 'fixture-dual', '--namespace', 'a\u0007b'], /control character U\+0007/],
    [['isolate', 'Not A Name'], /cannot isolate: "Not A Name" is not a valid npm package name/],
    [['isolate', 'left-pad'], /has no dependency "left-pad"/],
    [['isolate', 'fixture-esm', '--namespace', 'new'], /"fixture-esm" is ambiguous: namespaces "new" and "old" both declare it without a "scope"/],
    [['isolate'], /expects exactly one package name, got 0/],
    [['isolate', 'fixture-dual', '--bogus'], /Unknown option '--bogus'/],
    [['install', 'nope'], /declares no namespace "nope"; declared: "old"/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await cli(project, ...args);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message, args.join(' '));
  }
  assert.deepEqual(await snapshot(project), before);

  await writeFile(path.join(project, 'package.json'), '{\n  "name": "app",\n  "dependencies": { "fixture-dual": "^1.0.0", }\n}\n');
  const malformed = await cli(project, 'isolate', 'fixture-dual');
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /package\.json:3:47: JSON syntax error \(property name expected\)/);

  await writeFile(path.join(project, 'multiverse.json'), '{\n  "namespaces": {\n    "old": { "dependencies": { "fixture-esm": 1 } }\n  }\n}\n');
  const badConfig = await cli(project, 'install');
  assert.equal(badConfig.code, 2);
  assert.match(badConfig.stderr, /multiverse\.json:3:47: the version spec of "fixture-esm" must be a string/);
  assert.deepEqual(await readdir(project).then((names) => names.includes('.multiverse')), false, 'a refused install writes nothing');
});

test('isolate puts both files back when the install fails', async () => {
  const project = await makeProject(workDir, registry.url, { 'package.json': '{ "dependencies": { "no-such-package": "^1.0.0" } }\n' });
  const before = await snapshot(project);
  const { code, stderr } = await cli(project, 'isolate', 'no-such-package');
  assert.equal(code, 2);
  assert.match(stderr, /package "no-such-package@\^1\.0\.0" was not found in the registry/);
  assert.match(stderr, /package\.json and multiverse\.json were put back as they were/);
  assert.deepEqual(await snapshot(project), before);
});

test('move-back undoes isolate byte for byte, and removes the emptied namespace with its tree and map entry', async () => {
  const project = await makeProject(workDir, registry.url, { 'package.json': appManifest });
  assert.equal((await cli(project, 'isolate', 'fixture-esm', '--namespace', 'modern')).code, 0);
  const { code, stdout, stderr } = await cli(project, 'move-back', 'fixture-esm', '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout) as { action: string; namespace: string; removesNamespace: boolean; install: { removed: string[] }; mainTree: { updated: boolean } };
  assert.deepEqual([result.action, result.namespace, result.removesNamespace, result.install.removed, result.mainTree.updated], ['move-back', 'modern', true, ['modern'], false]);
  assert.equal(await readFile(path.join(project, 'package.json'), 'utf8'), appManifest);
  assert.deepEqual(JSON.parse(await readFile(path.join(project, 'multiverse.json'), 'utf8')), {});
  assert.deepEqual((await readdir(path.join(project, '.multiverse'))).filter((n) => !n.startsWith('.')), ['map.json']);
  assert.deepEqual(JSON.parse(await readFile(path.join(project, '.multiverse', 'map.json'), 'utf8')), { version: 1, namespaces: {} });
  const again = await cli(project, 'move-back', 'fixture-esm');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /no namespace in .*multiverse\.json declares "fixture-esm"/);
});
