// Runs the end-to-end tests (out/test/e2e/*.test.js) one file at a time: each starts its own
// code-server and Chromium, and two cores do not carry two of them well. The whole set runs once
// per code-server test/e2e/setup.sh installed (the oldest VS Code the extension supports, and the
// newest); `--code-server <version|oldest|newest>` runs it on one. Other arguments filter files.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--code-server');
const only = at === -1 ? undefined : args[at + 1];
const filters = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 2)];

const root = path.resolve('out/test/e2e');
const files = readdirSync(root)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => path.join(root, f));
if (files.length === 0) {
  console.error(`No end-to-end tests in ${root} match ${filters.join(', ') || 'anything'}; run "npm run build" first.`);
  process.exit(2);
}

const setup = execFileSync('bash', ['test/e2e/setup.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const installs = setup
  .trim()
  .split('\n')
  .map((line) => line.split('\t')[0]);
const versions = only === undefined ? installs : only === 'oldest' ? installs.slice(0, 1) : only === 'newest' ? installs.slice(-1) : installs.filter((v) => v === only);
if (versions.length === 0) {
  console.error(`--code-server ${only}: test/e2e/setup.sh installed ${installs.join(', ')}.`);
  process.exit(2);
}

let failed = false;
for (const version of versions) {
  console.log(`\n=== end-to-end tests on code-server ${version} ===`);
  const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, MULTIVERSE_CODE_SERVER: version, MULTIVERSE_CODE_SERVERS: setup },
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
