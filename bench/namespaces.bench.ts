// Namespaces vs native loading, each load measured in a fresh process so no cache is warm, medians
// over alternating runs: a 2,000-module CommonJS graph, the same graph as ESM, a hot function call,
// and the memory an extra namespace of lodash costs. BENCH_RUNS sets the number of runs (default 7).
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import Arborist from '@npmcli/arborist';
import { nodeFeatures } from 'multiverse/tooling';
import { writeGraph } from './support/graph';
import { alternate, measureInChild, medians, printTable, rounds, type Row, type Target } from './support/stats';

const RUNS = rounds();
const PACKAGES = 40;
const FILES_PER_PACKAGE = 50;
const runtime = require.resolve('multiverse');

// Each timing child prints [wall ms, CPU ms of all its threads] for exactly the part compared.
// CPU time is the steadier number when other work shares the cores; both are reported.
const TIMER = `let __t = 0; let __c; const start = () => { __c = process.cpuUsage(); __t = performance.now(); };
const stop = () => { const c = process.cpuUsage(__c); console.log(JSON.stringify([performance.now() - __t, (c.user + c.system) / 1000])); };\n`;

const CHILD = {
  nativeRequire: `${TIMER}const { createRequire } = require('node:module'); const dir = process.argv[1];
start(); createRequire(dir + '/index.js')('pkg0'); stop();`,
  namespaceRequire: `${TIMER}const { createNamespace } = require(process.argv[2]); const dir = process.argv[1];
start(); createNamespace({ name: 'bench', root: dir }).require('pkg0'); stop();`,
  nativeImport: `${TIMER}const { pathToFileURL } = require('node:url'); const dir = process.argv[1];
start(); import(pathToFileURL(dir + '/node_modules/pkg0/index.js').href).then(() => stop());`,
  // argv[3] is the ESM strategy; the namespace is the first to load from the root.
  namespaceImport: `${TIMER}const { createNamespace } = require(process.argv[2]); const dir = process.argv[1];
start(); createNamespace({ name: 'bench', root: dir, esm: process.argv[3] }).import('pkg0').then(() => stop());`,
  // A first namespace has already loaded from the root (and, for hooks, registered them); the
  // second one is timed: with 'paths' it hard-links its own copy of the root first.
  namespaceImportSecond: `${TIMER}const { createNamespace } = require(process.argv[2]); const dir = process.argv[1]; const esm = process.argv[3];
createNamespace({ name: 'first', root: dir, esm }).import('pkg${PACKAGES - 1}/file${FILES_PER_PACKAGE - 1}').then(async () => {
  start(); await createNamespace({ name: 'bench', root: dir, esm }).import('pkg0'); stop(); });`,
  // A hot loop of calls into a tiny module, after warm-up; the same loop code in both processes.
  hotCall: `${TIMER}const { createNamespace } = require(process.argv[2]); const dir = process.argv[1];
const add = process.argv[3] === 'host' ? require(dir + '/node_modules/hot/index.js').add : createNamespace({ name: 'hot', root: dir }).require('hot').add;
const loop = () => { let acc = 0; for (let i = 0; i < 20000000; i++) acc = add(acc, 1) & 0xffff; return acc; };
loop(); start(); loop(); stop();`,
  // The floor for any hook-based ESM loader: hooks that only call next(), registered the way the
  // hooks strategy registers them on this Node (in-thread where module.registerHooks exists).
  noopHooksImport: `${TIMER}const { register, registerHooks } = require('node:module'); const { pathToFileURL } = require('node:url'); const dir = process.argv[1];
if (registerHooks) registerHooks({ resolve: (s, c, next) => next(s, c), load: (u, c, next) => next(u, c) }); else register(pathToFileURL(process.argv[2]).href);
start(); import(pathToFileURL(dir + '/node_modules/pkg0/index.js').href).then(() => stop());`,
  lodashMemory: `const { createNamespace } = require(process.argv[2]); const root = process.argv[1]; const mode = process.argv[3];
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
const kept = []; const before = heap();
for (let i = 0; i < 10; i++) {
  if (mode === 'native') { const { createRequire } = require('node:module'); const r = createRequire(root + '/index.js');
    kept.push(r('lodash')); delete require.cache[r.resolve('lodash')]; }
  else { const ns = createNamespace({ name: 'l' + i, root }); kept.push(ns.require('lodash')); }
}
console.log((heap() - before) / 10);`,
};

/** Runs baseline and Multiverse children alternately; returns the median of each printed number. */
async function paired(label: string, a: () => Promise<number[]>, b: () => Promise<number[]>): Promise<[number[], number[]]> {
  const runs = await alternate(RUNS, a, b);
  const show = (samples: number[][]) => samples.map((r) => r.map((v) => v.toFixed(1)).join('/')).join(' ');
  console.log(`${label}: baseline ${show(runs.baseline)} | multiverse ${show(runs.candidate)}`);
  return [medians(runs.baseline), medians(runs.candidate)];
}

async function installLodash(): Promise<string> {
  const target = path.join(os.tmpdir(), 'multiverse-bench-lodash-4.17.21');
  try {
    await readFile(path.join(target, 'node_modules', 'lodash', 'package.json'));
    return target;
  } catch {
    // not installed yet
  }
  const staging = await mkdtemp(`${target}.tmp-`);
  await writeFile(path.join(staging, 'package.json'), JSON.stringify({ name: 'bench-lodash', private: true, dependencies: { lodash: '4.17.21' } }));
  await new Arborist({ path: staging, preferOffline: true, audit: false, fund: false }).reify();
  await rename(staging, target).catch(() => rm(staging, { recursive: true, force: true }));
  return target;
}

async function main(): Promise<void> {
  const cjs = await mkdtemp(path.join(os.tmpdir(), 'multiverse-bench-cjs-'));
  const esm = await mkdtemp(path.join(os.tmpdir(), 'multiverse-bench-esm-'));
  const hot = await mkdtemp(path.join(os.tmpdir(), 'multiverse-bench-hot-'));
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  try {
    await writeGraph(cjs, 'commonjs', PACKAGES, FILES_PER_PACKAGE);
    await writeGraph(esm, 'module', PACKAGES, FILES_PER_PACKAGE);
    await mkdir(path.join(hot, 'node_modules', 'hot'), { recursive: true });
    await writeFile(path.join(hot, 'node_modules', 'hot', 'index.js'), 'exports.add = function add(a, b) { return a + b; };\n');
    const modules = PACKAGES * FILES_PER_PACKAGE;
    const rows: Row[] = [];
    // Judged by CPU time: on shared cores wall time swings with the neighbours' load, CPU time barely.
    const timed = async (what: string, baseline: string, target: Target | undefined, a: () => Promise<number[]>, b: () => Promise<number[]>) => {
      const [[baseWall = 0, baseCpu = 0], [wall = 0, cpu = 0]] = await paired(what.trim(), a, b);
      rows.push({ what, baseline: `${ms(baseWall)} / ${ms(baseCpu)} ${baseline}`, value: `${ms(wall)} / ${ms(cpu)}`, ratio: cpu / baseCpu, otherRatio: wall / baseWall, target });
    };
    const atMost = (max: number): Target => ({ max, label: `≤ ${max.toFixed(2)}×` });

    await timed(`load ${modules}-module CommonJS graph`, 'native require', atMost(1.1), () => measureInChild(CHILD.nativeRequire, [cjs]), () => measureInChild(CHILD.namespaceRequire, [cjs, runtime]));
    const nativeImport = () => measureInChild(CHILD.nativeImport, [esm]);
    await timed(`load ${modules}-module ESM graph (esm: paths, default)`, 'native import', atMost(1.5), nativeImport, () => measureInChild(CHILD.namespaceImport, [esm, runtime, 'paths']));
    await timed('  … second namespace over the root (hard-links a copy)', 'native import', atMost(1.5), nativeImport, () => measureInChild(CHILD.namespaceImportSecond, [esm, runtime, 'paths']));
    const hooks = nodeFeatures().syncHooks ? 'in-thread registerHooks' : 'off-thread register';
    await timed(`load ${modules}-module ESM graph (esm: hooks, ${hooks})`, 'native import', atMost(1.5), nativeImport, () => measureInChild(CHILD.namespaceImport, [esm, runtime, 'hooks']));
    const noopHooks = path.join(esm, 'noop-hooks.mjs');
    await writeFile(noopHooks, 'export const resolve = (s, c, next) => next(s, c);\nexport const load = (u, c, next) => next(u, c);\n');
    await timed(`  … for scale: no-op hooks (${hooks}), the floor`, 'native import', undefined, nativeImport, () => measureInChild(CHILD.noopHooksImport, [esm, noopHooks]));
    // Which strategy is the default on this Node: hooks would have to be at most 1.00× of paths
    // (and lose nothing) to become it. Reported, not judged: the choice is made from these numbers.
    await timed('  esm: hooks against esm: paths, first namespace', 'esm: paths', undefined, () => measureInChild(CHILD.namespaceImport, [esm, runtime, 'paths']), () => measureInChild(CHILD.namespaceImport, [esm, runtime, 'hooks']));
    await timed('  esm: hooks against esm: paths, second namespace', 'esm: paths', undefined, () => measureInChild(CHILD.namespaceImportSecond, [esm, runtime, 'paths']), () => measureInChild(CHILD.namespaceImportSecond, [esm, runtime, 'hooks']));
    await timed('hot call, 20M calls of a function', 'host module', { max: 1.05, label: '1.00× (±5 % noise)' }, () => measureInChild(CHILD.hotCall, [hot, runtime, 'host']), () => measureInChild(CHILD.hotCall, [hot, runtime, 'namespace']));

    const lodash = await installLodash();
    const [[nativeLodash = 0], [nsLodash = 0]] = await paired(
      'lodash heap per instance',
      () => measureInChild(CHILD.lodashMemory, [lodash, runtime, 'native'], ['--expose-gc']),
      () => measureInChild(CHILD.lodashMemory, [lodash, runtime, 'namespace'], ['--expose-gc']),
    );
    const mb = (v: number) => `${(v / 1024 / 1024).toFixed(2)} MB`;
    rows.push({ what: 'heap per extra lodash namespace', baseline: `${mb(nativeLodash)} per native instance`, value: mb(nsLodash), ratio: nsLodash / nativeLodash });

    printTable(`medians of ${RUNS} alternating runs, each load in a fresh process; times are wall / CPU of all threads (node ${process.version}, ${os.cpus().length} cores)`, rows, { ratio: 'ratio CPU', otherRatio: 'ratio wall' });
  } finally {
    await rm(cjs, { recursive: true, force: true });
    await rm(esm, { recursive: true, force: true });
    await rm(hot, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
