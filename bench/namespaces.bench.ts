// Namespaces vs native loading, each load measured in a fresh process so no cache is warm, medians
// over alternating runs: a 2,000-module CommonJS graph, the same graph as ESM, a hot function call,
// and the memory an extra namespace of lodash costs. BENCH_RUNS sets the number of runs (default 7).
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import Arborist from '@npmcli/arborist';
import { writeGraph } from './support/graph';
import { measureInChild, median, printTable, type Row } from './support/stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PACKAGES = 40;
const FILES_PER_PACKAGE = 50;
const runtime = require.resolve('multiverse');

// Each child prints one number: milliseconds (or bytes) for exactly the part being compared.
const CHILD = {
  nativeRequire: `const { createRequire } = require('node:module'); const dir = process.argv[1];
const t = performance.now(); createRequire(dir + '/index.js')('pkg0'); console.log(performance.now() - t);`,
  namespaceRequire: `const { createNamespace } = require(process.argv[2]); const dir = process.argv[1];
const t = performance.now(); createNamespace({ name: 'bench', root: dir }).require('pkg0'); console.log(performance.now() - t);`,
  nativeImport: `const { pathToFileURL } = require('node:url'); const dir = process.argv[1];
const t = performance.now(); import(pathToFileURL(dir + '/node_modules/pkg0/index.js').href).then(() => console.log(performance.now() - t));`,
  // argv[3] is the ESM strategy; the namespace is the first to load from the root.
  namespaceImport: `const { createNamespace } = require(process.argv[2]); const dir = process.argv[1];
const t = performance.now(); createNamespace({ name: 'bench', root: dir, esm: process.argv[3] }).import('pkg0').then(() => console.log(performance.now() - t));`,
  // A first namespace has already loaded from the root (and, for hooks, registered them); the
  // second one is timed: with 'paths' it hard-links its own copy of the root first.
  namespaceImportSecond: `const { createNamespace } = require(process.argv[2]); const dir = process.argv[1]; const esm = process.argv[3];
createNamespace({ name: 'first', root: dir, esm }).import('pkg${PACKAGES - 1}/file${FILES_PER_PACKAGE - 1}').then(async () => {
  const t = performance.now(); await createNamespace({ name: 'bench', root: dir, esm }).import('pkg0'); console.log(performance.now() - t); });`,
  // A hot loop of calls into a tiny module, after warm-up; the same loop code in both processes.
  hotCall: `const { createNamespace } = require(process.argv[2]); const dir = process.argv[1];
const add = process.argv[3] === 'host' ? require(dir + '/node_modules/hot/index.js').add : createNamespace({ name: 'hot', root: dir }).require('hot').add;
const loop = () => { let acc = 0; for (let i = 0; i < 20000000; i++) acc = add(acc, 1) & 0xffff; return acc; };
loop(); const t = performance.now(); loop(); console.log(performance.now() - t);`,
  // Node 20's floor for any hook-based ESM loader: hooks that only call next().
  noopHooksImport: `const { register } = require('node:module'); const { pathToFileURL } = require('node:url'); const dir = process.argv[1];
register(pathToFileURL(process.argv[2]).href); const t = performance.now();
import(pathToFileURL(dir + '/node_modules/pkg0/index.js').href).then(() => console.log(performance.now() - t));`,
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

async function alternate(label: string, a: () => Promise<number>, b: () => Promise<number>): Promise<[number, number]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    as.push(await a());
    bs.push(await b());
  }
  console.log(`${label}: baseline ${as.map((v) => v.toFixed(1)).join(' ')} | multiverse ${bs.map((v) => v.toFixed(1)).join(' ')}`);
  return [median(as), median(bs)];
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
  try {
    await writeGraph(cjs, 'commonjs', PACKAGES, FILES_PER_PACKAGE);
    await writeGraph(esm, 'module', PACKAGES, FILES_PER_PACKAGE);
    await mkdir(path.join(hot, 'node_modules', 'hot'), { recursive: true });
    await writeFile(path.join(hot, 'node_modules', 'hot', 'index.js'), 'exports.add = function add(a, b) { return a + b; };\n');
    const modules = PACKAGES * FILES_PER_PACKAGE;
    const rows: Row[] = [];
    const ms = (v: number) => `${v.toFixed(1)} ms`;

    const [nativeCjs, nsCjs] = await alternate('CommonJS', () => measureInChild(CHILD.nativeRequire, [cjs]), () => measureInChild(CHILD.namespaceRequire, [cjs, runtime]));
    rows.push({ what: `load ${modules}-module CommonJS graph`, baseline: `${ms(nativeCjs)} native require`, multiverse: ms(nsCjs), ratio: nsCjs / nativeCjs, target: '≤ 1.10×' });

    const [nativeEsm, nsEsm] = await alternate('ESM', () => measureInChild(CHILD.nativeImport, [esm]), () => measureInChild(CHILD.namespaceImport, [esm, runtime, 'paths']));
    rows.push({ what: `load ${modules}-module ESM graph (esm: paths, default)`, baseline: `${ms(nativeEsm)} native import`, multiverse: ms(nsEsm), ratio: nsEsm / nativeEsm, target: '≤ 1.5×' });
    const [nativeEsm2, nsEsmCopy] = await alternate('ESM, second namespace over the root', () => measureInChild(CHILD.nativeImport, [esm]), () => measureInChild(CHILD.namespaceImportSecond, [esm, runtime, 'paths']));
    rows.push({ what: `  … second namespace over the same root (hard-links a copy)`, baseline: `${ms(nativeEsm2)} native import`, multiverse: ms(nsEsmCopy), ratio: nsEsmCopy / nativeEsm2, target: '≤ 1.5×' });
    const [nativeEsm3, nsEsmHooks] = await alternate('ESM, hooks', () => measureInChild(CHILD.nativeImport, [esm]), () => measureInChild(CHILD.namespaceImport, [esm, runtime, 'hooks']));
    rows.push({ what: `load ${modules}-module ESM graph (esm: hooks, registers them)`, baseline: `${ms(nativeEsm3)} native import`, multiverse: ms(nsEsmHooks), ratio: nsEsmHooks / nativeEsm3, target: '≤ 1.5×' });

    const noopHooks = path.join(esm, 'noop-hooks.mjs');
    await writeFile(noopHooks, 'export const resolve = (s, c, next) => next(s, c);\nexport const load = (u, c, next) => next(u, c);\n');
    const [nativeEsm4, noop] = await alternate('ESM, no-op hooks', () => measureInChild(CHILD.nativeImport, [esm]), () => measureInChild(CHILD.noopHooksImport, [esm, noopHooks]));
    rows.push({ what: `  … for scale: no-op hooks, Node 20's floor for any hook`, baseline: `${ms(nativeEsm4)} native import`, multiverse: ms(noop), ratio: noop / nativeEsm4, target: '—' });

    const [hostCall, nsCall] = await alternate('hot call', () => measureInChild(CHILD.hotCall, [hot, runtime, 'host']), () => measureInChild(CHILD.hotCall, [hot, runtime, 'namespace']));
    rows.push({ what: 'hot call, 20M calls of a function', baseline: `${ms(hostCall)} host module`, multiverse: ms(nsCall), ratio: nsCall / hostCall, target: '1.00×' });

    const lodash = await installLodash();
    const [nativeLodash, nsLodash] = await alternate(
      'lodash heap per instance',
      () => measureInChild(CHILD.lodashMemory, [lodash, runtime, 'native'], ['--expose-gc']),
      () => measureInChild(CHILD.lodashMemory, [lodash, runtime, 'namespace'], ['--expose-gc']),
    );
    const mb = (v: number) => `${(v / 1024 / 1024).toFixed(2)} MB`;
    rows.push({ what: 'heap per extra lodash namespace', baseline: `${mb(nativeLodash)} per native instance`, multiverse: mb(nsLodash), ratio: nsLodash / nativeLodash, target: 'report' });

    console.log(`\nmedians of ${RUNS} runs, each load in a fresh process (node ${process.version}, ${os.cpus().length} cores)\n`);
    printTable(rows);
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
