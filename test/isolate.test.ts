import assert from 'node:assert/strict';
import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { applyIsolation, defaultNamespace, planIsolation, planIsolationOf, planMoveBack, planMoveBackOf, readProjectTexts } from 'multiverse/tooling';
import { makeProject, makeWorkDir } from './support/project';

let workDir: string;
before(async () => {
  workDir = await makeWorkDir('multiverse-isolate-test-');
});
after(() => rm(workDir, { recursive: true, force: true }));

test('default namespace names are valid folder names derived from the package and its major', () => {
  assert.equal(defaultNamespace('react', '^17.0.2'), 'react-17');
  assert.equal(defaultNamespace('@scope/pkg', '~2.1.0'), 'scope-pkg-2');
  assert.equal(defaultNamespace('lodash', 'latest'), 'lodash');
  assert.equal(defaultNamespace('x', 'github:a/b'), 'x');
});

test('planning writes nothing; applying keeps CRLF line ends and removes every listing of the package', async () => {
  const manifest = '{\r\n    "name": "app",\r\n    "dependencies": {\r\n        "react": "^17.0.2",\r\n        "lodash": "^4.17.21"\r\n    },\r\n    "devDependencies": {\r\n        "react": "^17.0.2"\r\n    }\r\n}\r\n';
  const project = await makeProject(workDir, 'http://127.0.0.1:9/', { 'package.json': manifest });
  const plan = await planIsolation(project, 'react');
  assert.equal(await readFile(path.join(project, 'package.json'), 'utf8'), manifest);
  assert.deepEqual([plan.namespace, plan.field, plan.spec, plan.newNamespace, plan.config.before], ['react-17', 'dependencies', '^17.0.2', true, null]);
  assert.deepEqual(plan.result.namespaces['react-17']?.dependencies, { react: '^17.0.2' });
  await chmod(path.join(project, 'package.json'), 0o640);
  await applyIsolation(plan);
  assert.equal((await stat(path.join(project, 'package.json'))).mode & 0o777, 0o640, 'the rewritten file keeps its permissions');
  assert.equal(
    await readFile(path.join(project, 'package.json'), 'utf8'),
    '{\r\n    "name": "app",\r\n    "dependencies": {\r\n        "lodash": "^4.17.21"\r\n    },\r\n    "devDependencies": {\r\n    }\r\n}\r\n',
  );
  const config = JSON.parse(await readFile(path.join(project, 'multiverse.json'), 'utf8')) as object;
  assert.deepEqual(config, { namespaces: { 'react-17': { dependencies: { react: '^17.0.2' } } } });
});

test('moving into an existing namespace adds to it; a different spec already there is refused', async () => {
  const project = await makeProject(workDir, 'http://127.0.0.1:9/', {
    'package.json': JSON.stringify({ dependencies: { a: '1.0.0', b: '^2.0.0' } }, null, 2),
    'multiverse.json': JSON.stringify({ namespaces: { old: { dependencies: { a: '0.9.0' } } } }, null, 2),
  });
  const plan = await planIsolation(project, 'b', { namespace: 'old' });
  assert.equal(plan.newNamespace, false);
  assert.deepEqual(plan.result.namespaces.old?.dependencies, { a: '0.9.0', b: '^2.0.0' });
  await assert.rejects(planIsolation(project, 'a', { namespace: 'old' }), /namespace "old" .* already declares "a": "0\.9\.0", but package\.json has "1\.0\.0"/);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ dependencies: { b: '^2.0.0' }, devDependencies: { b: '^2.1.0' } }));
  await assert.rejects(planIsolation(project, 'b'), /lists "b" as "\^2\.0\.0" in dependencies and as "\^2\.1\.0" in devDependencies; keep one/);
});

test('a new multiverse.json points at the schema when the multiverse package is installed', async () => {
  const project = await makeProject(workDir, 'http://127.0.0.1:9/', {
    'package.json': JSON.stringify({ dependencies: { a: '1.0.0' } }),
    'node_modules/multiverse/schema/multiverse.schema.json': '{}',
  });
  const plan = await planIsolation(project, 'a');
  assert.deepEqual(JSON.parse(plan.config.after), { $schema: './node_modules/multiverse/schema/multiverse.schema.json', namespaces: { 'a-1': { dependencies: { a: '1.0.0' } } } });
});

test('a plan is a function of the texts: an editor’s unsaved buffers plan what the disk would, and isolating again reuses the namespace', async () => {
  const manifest = '{\n  "dependencies": {\n    "a": "^1.2.0",\n    "b": "2.0.0"\n  }\n}\n';
  const project = await makeProject(workDir, 'http://127.0.0.1:9/', { 'package.json': manifest, 'multiverse.json': '{\n  "namespaces": { "old": { "dependencies": { "b": "2.0.0" } } }\n}\n' });
  const fromDisk = await planIsolation(project, 'b');
  assert.equal(fromDisk.namespace, 'old', 'the namespace that already declares it, not "b-2"');
  assert.deepEqual(fromDisk.result.namespaces.old?.dependencies, { b: '2.0.0' });
  const unsaved = manifest.replace('"b": "2.0.0"', '"b": "2.0.0",\n    "c": "^3.0.0"');
  const texts = await readProjectTexts(project, (file) => (file === path.join(project, 'package.json') ? unsaved : undefined));
  assert.equal(texts.packageJson, unsaved);
  const fromEditor = planIsolationOf(texts, 'c');
  assert.equal(fromEditor.packageJson.after, manifest);
  assert.equal(fromEditor.namespace, 'c-3');
  assert.equal(await readFile(path.join(project, 'package.json'), 'utf8'), manifest, 'planning wrote nothing');
});

test('move back: the dependency returns to package.json in order, an emptied namespace and "namespaces" go, and a different spec is refused', async () => {
  const config = '{\n  "$schema": "./node_modules/multiverse/schema/multiverse.schema.json",\n  "namespaces": {\n    "legacy": {\n      "dependencies": {\n        "b": "^1.0.0"\n      }\n    }\n  },\n  "extensions": {}\n}\n';
  const project = await makeProject(workDir, 'http://127.0.0.1:9/', { 'package.json': '{\n  "dependencies": {\n    "a": "1.0.0",\n    "c": "1.0.0"\n  }\n}\n', 'multiverse.json': config });
  const plan = await planMoveBack(project, 'b');
  assert.deepEqual([plan.kind, plan.namespace, plan.spec, plan.field, plan.removesNamespace], ['move-back', 'legacy', '^1.0.0', 'dependencies', true]);
  assert.equal(plan.packageJson.after, '{\n  "dependencies": {\n    "a": "1.0.0",\n    "b": "^1.0.0",\n    "c": "1.0.0"\n  }\n}\n');
  assert.equal(plan.config.after, '{\n  "$schema": "./node_modules/multiverse/schema/multiverse.schema.json",\n  "extensions": {}\n}\n');
  await applyIsolation(plan);
  // And forth again: the isolation is the exact inverse, so the files come back byte for byte.
  const again = await planIsolation(project, 'b', { namespace: 'legacy' });
  await applyIsolation(again);
  assert.equal(await readFile(path.join(project, 'package.json'), 'utf8'), '{\n  "dependencies": {\n    "a": "1.0.0",\n    "c": "1.0.0"\n  }\n}\n');

  const texts = { projectDir: project, schemaInstalled: false, packageJson: '{ "devDependencies": { "b": "^2.0.0" } }', config };
  assert.throws(() => planMoveBackOf(texts, 'b'), /already lists "b" as "\^2\.0\.0" in devDependencies, but namespace "legacy" has "\^1\.0\.0"/);
  assert.throws(() => planMoveBackOf({ ...texts, packageJson: '{}' }, 'zz'), /no namespace in .*multiverse\.json declares "zz"/);
  const kept = planMoveBackOf({ ...texts, packageJson: '{ "devDependencies": { "b": "^1.0.0" } }' }, 'b');
  assert.equal(kept.packageJson.after, kept.packageJson.before, 'already declared with that spec: package.json stays');
  assert.equal(kept.field, 'devDependencies');
  const two = planMoveBackOf({ ...texts, packageJson: '{}', config: '{ "namespaces": { "n": { "dependencies": { "b": "1.0.0", "d": "1.0.0" } } } }' }, 'b');
  assert.deepEqual([two.removesNamespace, JSON.parse(two.config.after)], [false, { namespaces: { n: { dependencies: { d: '1.0.0' } } } }]);
});

test('hostile package names are looked up as own keys only', async () => {
  const texts = { projectDir: workDir, schemaInstalled: false, packageJson: '{ "dependencies": { "constructor": "1.0.0" } }', config: '{ "namespaces": { "n": { "dependencies": { "x": "1.0.0" } } } }' };
  const plan = planIsolationOf(texts, 'constructor');
  assert.equal(plan.namespace, 'constructor-1', 'no namespace "declares" constructor through the prototype');
  assert.deepEqual(plan.result.namespaces['constructor-1']?.dependencies, { constructor: '1.0.0' });
  assert.throws(() => planMoveBackOf(texts, 'toString'), /no namespace .* declares "toString"/);
});
