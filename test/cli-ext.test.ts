import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { cli, makeProject, makeWorkDir } from './support/project';

let workDir: string;
let project: string;

const calculator = `const { ExtensionBase } = require('multiverse');
module.exports = class Calculator extends ExtensionBase {
  add(a, b) { console.log('adding'); return a + b; }
  stats(values) { return { count: values.length, max: Math.max(...values) }; }
  broken() { const e = new Error('no luck'); e.code = 'EBROKEN'; throw e; }
};
`;

before(async () => {
  workDir = await makeWorkDir('multiverse-cli-ext-test-');
  project = await makeProject(workDir, 'http://127.0.0.1:9/', {
    'multiverse.json': JSON.stringify({
      extensions: {
        calc: { path: 'extensions/calc', isolation: 'worker' },
        'calc-process': { path: 'extensions/calc', isolation: 'process' },
      },
    }),
    'extensions/calc/index.js': calculator,
  });
});

after(() => rm(workDir, { recursive: true, force: true }));

test('ext list prints the declared extensions, as text or JSON', async () => {
  const text = await cli(project, 'ext', 'list');
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^calc {10}worker {3}extensions\/calc\ncalc-process {2}process {2}extensions\/calc\n$/);
  const json = await cli(project, 'ext', 'list', '--json');
  assert.deepEqual(JSON.parse(json.stdout), [
    { name: 'calc', isolation: 'worker', path: 'extensions/calc', dependencies: {} },
    { name: 'calc-process', isolation: 'process', path: 'extensions/calc', dependencies: {} },
  ]);
});

test('-C/--project points ext at a project from elsewhere', async () => {
  const listed = await cli(workDir, 'ext', 'list', '--json', '-C', project);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 2);
  const called = await cli(workDir, 'ext', 'call', 'calc', 'add', '[1, 1]', '--project', project);
  assert.equal(called.stdout, '2\n');
});

test('ext call runs a method and prints its result as JSON; the extension’s output goes to stderr', async () => {
  const worker = await cli(project, 'ext', 'call', 'calc', 'add', '[2, 3]');
  assert.equal(worker.code, 0, worker.stderr);
  assert.equal(worker.stdout, '5\n');
  assert.match(worker.stderr, /\[calc\] adding/);
  const processed = await cli(project, 'ext', 'call', 'calc-process', 'stats', '[[1, 7, 3]]');
  assert.equal(processed.code, 0, processed.stderr);
  assert.deepEqual(JSON.parse(processed.stdout), { count: 3, max: 7 });
});

test('ext call exits 1 when the method throws or does not exist, and says why', async () => {
  const broken = await cli(project, 'ext', 'call', 'calc', 'broken');
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /calc\.broken\(\) failed: Error \[EBROKEN\]: no luck/);
  const missing = await cli(project, 'ext', 'call', 'calc', 'subtract', '[1, 2]');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /subtract\(\) is not a method\. Available methods: add, broken, stats\./);
});

test('ext exits 2 on usage errors and unknown extensions', async () => {
  assert.equal((await cli(project, 'ext')).code, 2);
  assert.equal((await cli(project, 'ext', 'call', 'calc')).code, 2);
  const badJson = await cli(project, 'ext', 'call', 'calc', 'add', '[2,');
  assert.equal(badJson.code, 2);
  assert.match(badJson.stderr, /\[json-args\] is not valid JSON/);
  const unknown = await cli(project, 'ext', 'call', 'nope', 'add');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no extension "nope" in .*multiverse\.json; declared: calc, calc-process\./);
  const noConfig = await cli(workDir, 'ext', 'list');
  assert.equal(noConfig.code, 2);
  assert.match(noConfig.stderr, /no multiverse\.json in /);
});
