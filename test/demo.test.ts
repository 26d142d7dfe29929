import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './support/paths';

const run = promisify(execFile);

// The README's main job, end to end against the real npm registry: npm refuses the app, isolate
// and install fix it, and both React majors render in one process.
test('npm run demo: npm refuses, multiverse isolates, React 17 and 18 render in one process', async () => {
  const { stdout } = await run(process.execPath, [path.join(repoRoot, 'scripts', 'demo.mjs')], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  assert.match(stdout, /npm error code ERESOLVE/);
  assert.match(stdout, /-> npm exits 1/);
  assert.match(stdout, /ERESOLVE.*peer react@"\^17\.0\.2" from legacy-widget/, 'check names the peer conflict');
  assert.match(stdout, /moved legacy-widget@file:plugins\/legacy-widget from package\.json dependencies to namespace "legacy"/);
  assert.match(stdout, /main tree: removed legacy-widget\n/);
  assert.match(stdout, /\$ npm install\n\s+up to date/, 'npm finds the tree isolate left exactly as it would have made it');
  assert.match(stdout, /legacy: up to date \(legacy-widget@1\.0\.0\)/);
  assert.match(stdout, /multiverse check: the conflict is gone\n.*\n.*no conflicts.*\n\s+-> exit 0: clean\./);
  assert.match(stdout, /\$ multiverse run app\.js\n/);
  assert.match(stdout, /modern-widget .*react 18\.\d+\.\d+, react-dom 18\.\d+\.\d+/);
  assert.match(stdout, /legacy-widget from \.multiverse\/legacy\/node_modules\/legacy-widget: react 17\.\d+\.\d+, react-dom 17\.\d+\.\d+/);
  assert.match(stdout, /<section class="legacy"><h2>Hello from legacy-widget<\/h2>rendered by React 17\.0\.2<\/section>/);
  assert.match(stdout, /\$ multiverse ext call greeter greet "demo"\n\s+"Hello, demo, from the greeter extension \(a worker thread\)"/);
});
