// Runs the end-to-end tests (out/test/e2e/*.test.js) one file at a time: each starts its own
// code-server and Chromium, and two cores do not carry two of them well.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve('out/test/e2e');
const filters = process.argv.slice(2);
const files = readdirSync(root)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => path.join(root, f));
if (files.length === 0) {
  console.error(`No end-to-end tests in ${root} match ${filters.join(', ') || 'anything'}; run "npm run build" first.`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
