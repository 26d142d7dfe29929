// `multiverse check` on a real ~2,000-package pnpm project against pnpm's own full listing of the same
// tree (`pnpm ls --depth Infinity --parseable`), both in fresh processes, alternating round by round so
// that machine noise hits both equally; target ≤ 0.5×. The project is installed once with the pnpm
// of this repository's devDependencies from the npm registry, into the OS temp dir, and reused.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { analyzeProject } from 'multiverse';
import { median, printTable } from './support/report';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');
const pnpm = path.join(repoRoot, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const multiverse = path.join(repoRoot, 'runtime', 'bin', 'multiverse.js');

/** The project the issue was found on: a React app's tool chain with a server and a test runner. */
const DEPENDENCIES = { 'react-scripts': '5.0.1', express: '^4', eslint: '^8', jest: '^29', webpack: '^5' };
const ROUNDS = 7;

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function ensureProject(): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(DEPENDENCIES)).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `multiverse-bench-pnpm-${hash}`);
  if (await exists(path.join(dir, 'node_modules', '.pnpm', 'lock.yaml'))) return dir;
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-pnpm', version: '1.0.0', private: true, dependencies: DEPENDENCIES }, null, 2)}\n`);
  console.log(`installing ${Object.keys(DEPENDENCIES).join(', ')} with pnpm into ${dir} (once; takes a few minutes)…`);
  await run(process.execPath, [pnpm, 'install', '--ignore-scripts', '--no-frozen-lockfile', '--reporter=silent', `--store-dir=${path.join(os.tmpdir(), 'multiverse-bench-pnpm-store')}`], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return dir;
}

async function timeProcess(args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  await run(process.execPath, args, { cwd, maxBuffer: 256 * 1024 * 1024 }).catch((error: { code?: unknown }) => {
    // multiverse check exits 1 on findings; that is a result, not a failure.
    if (error.code !== 1) throw error;
  });
  return performance.now() - started;
}

async function main(): Promise<void> {
  const dir = await ensureProject();
  const analysis = await analyzeProject(dir);
  const errors = analysis.conflicts.filter((c) => c.severity === 'error');
  console.log(`${dir}: ${analysis.main.nodes.length - 1} packages in pnpm's graph (${analysis.main.manager}), ${analysis.conflicts.length} finding(s), ${errors.length} error(s)`);
  for (const c of analysis.conflicts.slice(0, 5)) console.log(`  ${c.severity} ${c.kind}: ${c.message}`);
  const ls: number[] = [];
  const check: number[] = [];
  // One warm-up of each: the first run pays for the file cache.
  await timeProcess([pnpm, 'ls', '--depth', 'Infinity', '--parseable'], dir);
  await timeProcess([multiverse, 'check', '--json', '-C', dir], dir);
  for (let i = 0; i < ROUNDS; i++) {
    const [first, second] = i % 2 === 0 ? [ls, check] : [check, ls];
    for (const sample of [first, second]) sample.push(await timeProcess(sample === ls ? [pnpm, 'ls', '--depth', 'Infinity', '--parseable'] : [multiverse, 'check', '--json', '-C', dir], dir));
  }
  printTable(`pnpm project, ${analysis.main.nodes.length - 1} packages (${ROUNDS} alternating rounds, medians)`, [
    { what: 'multiverse check --json', baseline: 'pnpm ls --depth Infinity --parseable', value: median(check), base: median(ls), unit: 'ms', target: 0.5 },
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
