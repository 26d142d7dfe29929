import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createNamespace } from 'multiverse';
import { createNamespaceRoots, type NamespaceRoots } from './support/namespace-roots';

const run = promisify(execFile);
let roots: NamespaceRoots;

before(async () => {
  roots = await createNamespaceRoots();
});

after(async () => {
  await rm(roots.dir, { recursive: true, force: true });
});

// Runs in a fresh process with --expose-gc: 100 namespaces each load a module holding a few MB,
// then are disposed. If dispose() left anything reachable, the heap would grow by ~90 of them.
const CYCLES = `
const { createNamespace } = require(process.argv[1]);
const root = process.argv[2];
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
const cycle = () => {
  const ns = createNamespace({ name: 'cycle', root });
  ns.require('edge-heavy');
  ns.dispose();
};
for (let i = 0; i < 10; i++) cycle();
const start = heap();
for (let i = 10; i < 100; i++) cycle();
const end = heap();
const kept = createNamespace({ name: 'kept', root });
kept.require('edge-heavy');
const one = heap() - end;
process.stdout.write(JSON.stringify({ start, end, one }));
`;

test('100 create/dispose cycles do not grow the heap', async () => {
  const { stdout } = await run(process.execPath, ['--expose-gc', '-e', CYCLES, require.resolve('multiverse'), roots.v1]);
  const { start, end, one } = JSON.parse(stdout) as { start: number; end: number; one: number };
  assert.ok(one > 2 * 1024 * 1024, `one live namespace should hold the module's payload (held ${one} bytes)`);
  const growth = end - start;
  process.stdout.write(`# heap: one namespace ${one} bytes, growth over 90 cycles ${growth} bytes\n`);
  assert.ok(growth < 2 * one, `heap grew by ${growth} bytes over 90 cycles; one namespace holds ${one}`);
});

test('dispose empties the registry and refuses further loads, and is idempotent', async () => {
  const ns = createNamespace({ name: 'disposable', root: roots.v1 });
  const edge = ns.require('edge-introspect') as { requireCache: Record<string, unknown> };
  await ns.import('fixture-esm');
  assert.ok(Object.keys(edge.requireCache).length > 0);
  ns.dispose();
  ns.dispose();
  assert.deepEqual(Object.keys(edge.requireCache), []);
  assert.throws(() => ns.require('fixture-lib'), /Namespace "disposable" was disposed; require\(\) is no longer possible/);
  await assert.rejects(ns.import('fixture-esm'), /was disposed/);
  assert.throws(() => ns.resolve('fixture-lib'), /was disposed/);
  const again = createNamespace({ name: 'disposable', root: roots.v1 });
  const fresh = await again.import<{ increment(): number }>('fixture-esm');
  assert.equal(fresh.increment(), 1, 'a new namespace with the same name gets fresh ES module instances');
  again.dispose();
});

test('a second namespace over a used root loads ES modules from a copy that dispose deletes', async () => {
  type FixtureEsm = { resolveLib(): string; increment(): number };
  // A root no namespace of this process has loaded ES modules from yet.
  const root = path.join(roots.dir, 'fresh');
  await cp(roots.v1, root, { recursive: true });
  const first = createNamespace({ name: 'in-place', root });
  const second = createNamespace({ name: 'copied', root });
  const inPlace = await first.import<FixtureEsm>('fixture-esm');
  const copied = await second.import<FixtureEsm>('fixture-esm');
  const inPlaceFile = fileURLToPath(inPlace.resolveLib());
  const copiedFile = fileURLToPath(copied.resolveLib());
  assert.ok(inPlaceFile.startsWith(root), 'the first namespace loads from the root itself');
  assert.ok(!copiedFile.startsWith(root), 'the second loads from its own copy');
  assert.equal(statSync(copiedFile).ino, statSync(inPlaceFile).ino, 'the copy is hard-linked');
  assert.deepEqual([inPlace.increment(), copied.increment()], [1, 1]);
  second.dispose();
  assert.equal(existsSync(copiedFile), false, 'dispose deletes the copy');
  first.dispose();
  assert.equal(existsSync(inPlaceFile), true, 'the root is never deleted');
});
