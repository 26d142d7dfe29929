import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { createNamespace, InputError, MultiverseError } from 'multiverse';
import { createNamespaceRoots, type NamespaceRoots } from './support/namespace-roots';

let roots: NamespaceRoots;

before(async () => {
  roots = await createNamespaceRoots();
});

after(async () => {
  await rm(roots.dir, { recursive: true, force: true });
});

interface FixtureLib {
  version: string;
  instanceId: string;
  increment(): number;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Host require.cache entries of namespace files: under the roots or under the hard-linked copies
 * the `paths` strategy makes (the app's tree is allowed: shared packages live there).
 */
function hostCacheKeysUnder(dir: string): string[] {
  const copies = path.join(os.tmpdir(), 'multiverse-mirror-');
  return Object.keys(require.cache).filter((file) => (file.startsWith(dir) || file.startsWith(copies)) && !file.startsWith(roots.app));
}

test('two versions of a package coexist and the host require.cache gains nothing', () => {
  const legacy = createNamespace({ name: 'legacy', root: roots.v1 });
  const modern = createNamespace({ name: 'modern', root: roots.v2 });
  const v1 = legacy.require('fixture-lib') as FixtureLib;
  const v2 = modern.require('fixture-lib') as FixtureLib;
  assert.equal(v1.version, '1.0.0');
  assert.equal(v2.version, '2.0.0');
  assert.equal(legacy.require('fixture-lib'), v1, 'a namespace caches its modules');
  assert.deepEqual(hostCacheKeysUnder(roots.dir), []);
  legacy.dispose();
  modern.dispose();
});

test('two namespaces over the same files hold two instances with separate state', () => {
  const a = createNamespace({ name: 'same-a', root: roots.v1 });
  const b = createNamespace({ name: 'same-b', root: roots.v1 });
  const libA = a.require('fixture-lib') as FixtureLib;
  const libB = b.require('fixture-lib') as FixtureLib;
  assert.notEqual(libA, libB);
  assert.notEqual(libA.instanceId, libB.instanceId);
  assert.deepEqual([libA.increment(), libA.increment(), libB.increment()], [1, 2, 1]);
  a.dispose();
  b.dispose();
});

test('nested require, require.resolve, module.require and the module facade stay inside the namespace', () => {
  const ns = createNamespace({ name: 'introspect', root: roots.v1 });
  const lib = ns.require('fixture-lib');
  const edge = ns.require('edge-introspect') as Record<string, unknown> & { viaFacade(): unknown; viaNodeModule(): unknown };
  assert.equal(edge.lib, lib);
  assert.equal(edge.moduleRequire, lib);
  assert.equal(edge.viaFacade(), lib, "require('module').createRequire loads from the namespace registry");
  assert.equal(edge.viaNodeModule(), lib);
  assert.equal(edge.facadeCacheIsRequireCache, true);
  const libFile = path.join(roots.v1, 'node_modules', 'fixture-lib', 'index.js');
  assert.equal(edge.resolved, libFile);
  assert.equal(edge.resolveFilename, libFile);
  assert.equal(edge.resolvedBuiltin, 'fs');
  assert.deepEqual(edge.lookupPaths, [path.join(roots.v1, 'node_modules', 'edge-introspect', 'node_modules'), path.join(roots.v1, 'node_modules')]);
  const dual = ns.require('fixture-dual') as { format: string; label: string; libVersion: string };
  assert.deepEqual({ ...dual }, { format: 'cjs', label: 'dual-shared-cjs', libVersion: '1.0.0' }, 'exports and #imports maps pick the require branch');
  assert.deepEqual(hostCacheKeysUnder(roots.dir), []);
  ns.dispose();
});

test('values cross the boundary in the same realm', async () => {
  const ns = createNamespace({ name: 'realm', root: roots.v1 });
  const edge = ns.require('edge-introspect') as { makeError(): unknown; makePromise(): unknown; makeArray(): unknown };
  assert.ok(edge.makeError() instanceof TypeError);
  assert.ok(edge.makeError() instanceof Error);
  assert.ok(edge.makePromise() instanceof Promise);
  assert.equal(await edge.makePromise(), 42);
  assert.ok(Array.isArray(edge.makeArray()));
  ns.dispose();
});

for (const esm of ['paths', 'hooks'] as const) {
  test(`ES modules import statically and dynamically inside the namespace, one instance per namespace [esm: ${esm}]`, async () => {
    const a = createNamespace({ name: 'esm-a', root: roots.v1, esm });
    const b = createNamespace({ name: 'esm-b', root: roots.v1, esm });
    type FixtureEsm = { libVersion: string; increment(): number; loadLibDynamically(): Promise<string>; resolveLib(): string };
    const esmA = await a.import<FixtureEsm>('fixture-esm');
    const esmB = await b.import<FixtureEsm>('fixture-esm');
    assert.notEqual(esmA, esmB);
    assert.equal(esmA.libVersion, '2.0.0', "fixture-esm gets its own nested fixture-lib@2");
    assert.equal(await esmA.loadLibDynamically(), '2.0.0');
    assert.deepEqual([esmA.increment(), esmA.increment(), esmB.increment()], [1, 2, 1]);
    const nestedLib = path.join(roots.v1, 'node_modules', 'fixture-esm', 'node_modules', 'fixture-lib', 'lib', 'main.js');
    if (esm === 'hooks') {
      assert.match(esmA.resolveLib(), new RegExp(`^${escape(pathToFileURL(nestedLib).href)}\\?mvns=esm-a(~\\d+)?$`), 'import.meta.resolve answers inside the namespace');
    } else {
      const resolved = fileURLToPath(esmA.resolveLib());
      assert.ok(resolved.endsWith(path.relative(roots.v1, nestedLib)), resolved);
      assert.equal(statSync(resolved).ino, statSync(nestedLib).ino, 'import.meta.resolve answers in the namespace directory (the root or its hard-linked copy)');
    }
    const dual = await a.import<{ format: string; label: string }>('fixture-dual');
    assert.deepEqual([dual.format, dual.label], ['esm', 'dual-shared-esm'], 'exports and #imports maps pick the import branch');
    assert.deepEqual(hostCacheKeysUnder(roots.dir), []);
    a.dispose();
    b.dispose();
  });

  test(`CommonJS reached from ES modules, createRequire and import() from CommonJS share the namespace registry [esm: ${esm}]`, async () => {
    const ns = createNamespace({ name: 'mixed', root: roots.v1, esm });
    const lib = ns.require('fixture-lib') as FixtureLib;
    const edge = await ns.import<Record<string, unknown>>('edge-esm');
    assert.equal(edge.defaultExport, lib, 'CommonJS imported from ESM is the namespace instance');
    assert.equal(edge.namedIncrement, lib.increment, 'named exports of CommonJS are detected');
    assert.equal(edge.viaCreateRequire, lib, "createRequire from 'module' in ESM loads from the namespace");
    if (esm === 'hooks') {
      assert.equal(edge.facadeCache, (ns.require('edge-introspect') as { requireCache: unknown }).requireCache, "the ESM 'module' facade exposes the namespace registry");
    }
    assert.deepEqual(edge.json, { answer: 42 });
    const introspect = ns.require('edge-introspect') as { dynamicImport(): Promise<{ libVersion: string }>; dynamicImportOfCommonJs(): Promise<{ default: unknown }> };
    assert.equal((await introspect.dynamicImport()).libVersion, '2.0.0');
    assert.equal((await introspect.dynamicImportOfCommonJs()).default, lib, 'import() in CommonJS stays in the namespace');
    assert.deepEqual(hostCacheKeysUnder(roots.dir), []);
    ns.dispose();
  });

  test(`modules() lists what the namespace loaded, with packages and versions [esm: ${esm}]`, async () => {
    const ns = createNamespace({ name: 'inventory', root: roots.v1, esm });
    ns.require('fixture-dual');
    await ns.import('fixture-esm');
    const listed = ns.modules().map((m) => `${m.loader} ${m.format} ${m.packageName}@${m.version} ${path.relative(roots.v1, m.path)}`);
    assert.deepEqual(listed.sort(), [
      'import commonjs fixture-lib@2.0.0 node_modules/fixture-esm/node_modules/fixture-lib/lib/main.js',
      'import module fixture-esm@1.0.0 node_modules/fixture-esm/index.js',
      'require commonjs fixture-dual@1.0.0 node_modules/fixture-dual/cjs/index.cjs',
      'require commonjs fixture-dual@1.0.0 node_modules/fixture-dual/cjs/shared.cjs',
      'require commonjs fixture-lib@1.0.0 node_modules/fixture-lib/index.js',
    ]);
    assert.deepEqual(
      { ...ns.resolve('fixture-lib'), path: path.relative(roots.v1, ns.resolve('fixture-lib').path) },
      { namespace: 'inventory', path: 'node_modules/fixture-lib/index.js', packageName: 'fixture-lib', version: '1.0.0', format: 'commonjs', builtin: false, packageRoot: path.join(roots.v1, 'node_modules', 'fixture-lib') },
    );
    assert.equal(ns.resolve('fixture-dual', { conditions: 'import' }).path, path.join(roots.v1, 'node_modules', 'fixture-dual', 'esm', 'index.mjs'));
    assert.equal(ns.resolve('node:fs').namespace, null);
    ns.dispose();
  });

  test(`shared packages come from the app, everything else from the namespace [esm: ${esm}]`, async () => {
    const ns = createNamespace({ name: 'sharing', root: roots.v1, shared: ['fixture-lib'], host: roots.app, esm });
    const appLib = createRequire(path.join(roots.app, 'index.js'))('fixture-lib');
    assert.equal(ns.require('fixture-lib'), appLib);
    assert.equal((ns.require('edge-introspect') as { lib: unknown }).lib, appLib);
    assert.equal((await ns.import<{ default: unknown }>('fixture-lib')).default, appLib);
    const dual = await ns.import<{ libVersion: string }>('fixture-dual');
    assert.equal(dual.libVersion, '1.0.0');
    const esmDual = await ns.import<{ label: string }>('fixture-dual');
    assert.equal(esmDual.label, 'dual-shared-esm');
    const esmOnly = await ns.import<{ libVersion: string }>('fixture-esm');
    assert.equal(esmOnly.libVersion, '1.0.0', 'shared by name: even the copy fixture-esm nests comes from the app');
    assert.equal(ns.resolve('fixture-lib').namespace, null);
    assert.equal(ns.resolve('fixture-lib').path, path.join(roots.app, 'node_modules', 'fixture-lib', 'index.js'));
    ns.dispose();
  });
}

test('a shared package the app lacks is reported as such', () => {
  const ns = createNamespace({ name: 'lacking', root: roots.v1, shared: ['fixture-dual'], host: roots.app });
  assert.throws(
    () => ns.require('fixture-dual'),
    (error: unknown) => error instanceof MultiverseError && error.code === 'MODULE_NOT_FOUND' && /listed in "shared".*the app at .* does not have it/.test(error.message),
  );
  ns.dispose();
});

test('a package missing from the namespace names the namespace, the specifier and the importing file', async () => {
  const ns = createNamespace({ name: 'strict', root: roots.v2 });
  assert.throws(
    () => ns.require('fixture-dual'),
    (error: unknown) =>
      error instanceof MultiverseError &&
      error.code === 'MODULE_NOT_FOUND' &&
      /Cannot find module 'fixture-dual' in namespace "strict"/.test(error.message) &&
      error.message.includes(path.join(roots.v2, 'node_modules')),
  );
  const v1 = createNamespace({ name: 'strict-v1', root: roots.v1 });
  assert.throws(
    () => v1.require('edge-missing'),
    (error: unknown) =>
      error instanceof MultiverseError &&
      /'not-in-this-namespace' in namespace "strict-v1", imported from .*edge-missing\/index\.js/.test(error.message),
  );
  await assert.rejects(ns.import('fixture-dual'), /Cannot find module 'fixture-dual' in namespace "strict"/);
  for (const esm of ['paths', 'hooks'] as const) {
    const inner = createNamespace({ name: `strict-${esm}`, root: roots.v1, esm });
    await assert.rejects(inner.import('edge-missing-esm'), new RegExp(`namespace "strict-${esm}".*'not-in-this-namespace'|'not-in-this-namespace'.*namespace "strict-${esm}"`, 's'));
    await assert.rejects(inner.import('edge-missing-esm'), /edge-missing-esm\/index\.js/);
    inner.dispose();
  }
  ns.dispose();
  v1.dispose();
});

test('a package the app has is not visible from inside a namespace', () => {
  const ns = createNamespace({ name: 'sealed', root: path.join(roots.v1, 'node_modules', 'fixture-esm') });
  assert.equal((ns.require('fixture-lib') as FixtureLib).version, '2.0.0');
  assert.throws(() => ns.require('fixture-dual'), /in namespace "sealed"/);
  ns.dispose();
});

test('syntax and runtime errors point at the real file and line', () => {
  const ns = createNamespace({ name: 'errors', root: roots.v1 });
  assert.throws(
    () => ns.require('edge-syntax'),
    (error: unknown) => error instanceof SyntaxError && (error.stack ?? '').includes(`${path.join(roots.v1, 'node_modules', 'edge-syntax', 'index.js')}:3`),
  );
  assert.throws(
    () => ns.require('edge-throws'),
    (error: unknown) => error instanceof Error && (error.stack ?? '').includes(`${path.join(roots.v1, 'node_modules', 'edge-throws', 'index.js')}:4:9`),
  );
  assert.throws(() => ns.require('edge-throws'), /exploded/, 'a module that threw is not cached half-done');
  ns.dispose();
});

test('require(esm) loads the ES module inside the namespace, the same instance import() gets [esm: paths]', async () => {
  const ns = createNamespace({ name: 'require-esm', root: roots.v1 });
  const required = ns.require('fixture-esm') as { libVersion: string; increment(): number };
  assert.equal(required.libVersion, '2.0.0');
  assert.equal(required.increment(), 1);
  const imported = await ns.import<{ increment(): number }>('fixture-esm');
  assert.equal(imported.increment(), 2, 'require(esm) and import() share the instance');
  const other = createNamespace({ name: 'require-esm-2', root: roots.v1 });
  assert.equal((other.require('fixture-esm') as { increment(): number }).increment(), 1, 'another namespace has its own');
  assert.deepEqual(hostCacheKeysUnder(roots.dir), []);
  ns.dispose();
  other.dispose();
});

test('require(esm) with esm "hooks" points to import()', () => {
  const ns = createNamespace({ name: 'require-esm-hooks', root: roots.v1, esm: 'hooks' });
  assert.throws(
    () => ns.require('fixture-esm'),
    (error: unknown) =>
      error instanceof MultiverseError && error.code === 'ERR_REQUIRE_ESM' && error.message.includes(path.join('fixture-esm', 'index.js')) && /import\(/.test(error.message),
  );
  ns.dispose();
});

test('CommonJS cycles see partial exports, as in Node, without Node\'s circular-dependency warning', () => {
  // edge-cycle/b.js reads a.late while a.js is still loading. Native require answers undefined and
  // warns "Accessing non-existent property 'late' of module exports inside circular dependency";
  // that runs in a child process here, so the warning is checked instead of printed among the tests.
  const file = path.join(roots.v1, 'node_modules', 'edge-cycle', 'a.js');
  const native = spawnSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(file)})))`], { encoding: 'utf8' });
  assert.equal(native.status, 0, native.stderr);
  assert.match(native.stderr, /Accessing non-existent property 'late' of module exports inside circular dependency/);
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  const ns = createNamespace({ name: 'cycles', root: roots.v1 });
  try {
    const a = ns.require('edge-cycle/a') as { early: string; late: string; sawFromB: unknown };
    assert.deepEqual(a.sawFromB, { early: 'a-early', late: undefined });
    assert.deepEqual(JSON.parse(JSON.stringify(a)), JSON.parse(native.stdout));
  } finally {
    process.off('warning', onWarning);
    ns.dispose();
  }
  assert.deepEqual(warnings.map((w) => w.message), [], 'the namespace loader does not warn (Node warns from its own loader only)');
});

test('bad input is refused with errors that say what to do', () => {
  for (const name of [42, null, undefined, '../up', '']) {
    assert.throws(() => createNamespace({ name, root: roots.v1 } as never), (error: unknown) => error instanceof InputError && error.code === 'EINVALIDNAME');
  }
  assert.throws(() => createNamespace(null as never), /needs an options object/);
  assert.throws(() => createNamespace({ name: 'x' } as never), /needs "root"/);
  assert.throws(() => createNamespace({ name: 'x', root: path.join(roots.dir, 'nope') }), (error: unknown) => error instanceof InputError && error.code === 'ENOROOT' && /does not exist/.test(error.message));
  assert.throws(() => createNamespace({ name: 'x', root: path.join(roots.v1, 'node_modules', 'fixture-lib') }), (error: unknown) => error instanceof InputError && error.code === 'ENONODEMODULES');
  assert.throws(() => createNamespace({ name: 'x', root: roots.v1, shared: 'fixture-lib' } as never), /"shared" must be an array/);
  assert.throws(() => createNamespace({ name: 'x', root: roots.v1, addons: 'yes' } as never), /"addons" must be "refuse" or "copy"/);
  const ns = createNamespace({ name: 'inputs', root: roots.v1 });
  assert.throws(() => ns.require(42 as never), /needs a non-empty string, got number/);
  ns.dispose();
  assert.throws(() => ns.require('fixture-lib'), (error: unknown) => error instanceof MultiverseError && error.code === 'ENAMESPACEDISPOSED');
});
