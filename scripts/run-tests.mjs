// Runs every compiled test file (out/test/**/*.test.js) with node's built-in test runner.
// Arguments filter by substring of the test file path: `npm test -- names cli`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve('out/test');
const filters = process.argv.slice(2);
const files = readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js') && !f.startsWith(`e2e${path.sep}`))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => path.join(root, f));

if (files.length === 0) {
  console.error(`No test files in ${root} match ${filters.join(', ') || 'anything'}; run "npm run build" first.`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
