import assert from 'node:assert/strict';
import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { applyIsolation, defaultNamespace, planIsolation } from 'multiverse/tooling';
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
