// Runs every compiled test file (out/test/**/*.test.js) with node's built-in test runner.
// Arguments filter by substring of the test file path: `npm test -- names cli`. `--node 22` runs
// them on another Node line (installed from the npm registry by node-lines.mjs if missing).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { nodeOption } from './node-lines.mjs';

const root = path.resolve('out/test');
const { node, rest: filters } = nodeOption(process.argv.slice(2));
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
const result = spawnSync(node, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
