// Runs every compiled benchmark (out/bench/*.bench.js) in its own process, one after another so
// they do not compete for the two cores, and lets each print its own ratio table.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { nodeOption } from './node-lines.mjs';

const root = path.resolve('out/bench');
// `--node 24` runs the benchmarks (and so every process they measure) on that Node line.
const { node, rest: filters } = nodeOption(process.argv.slice(2));
const files = readdirSync(root)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmarks in ${root} match ${filters.join(', ') || 'anything'}; run "npm run build" first.`);
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file.replace(/\.js$/, '')} ===`);
  const result = spawnSync(node, ['--expose-gc', path.join(root, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
