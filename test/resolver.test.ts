import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { MultiverseError } from 'multiverse';
import { resolveModule } from 'multiverse/tooling';
import { nativeResolve, normalise, type NativeAnswer, type Probe } from './support/native-resolve';
import { createResolverProject, installRealPackages } from './support/resolver-project';

let project: string;
let real: string;

before(async () => {
  project = await createResolverProject();
  real = await installRealPackages();
});

after(async () => {
  await rm(project, { recursive: true, force: true });
});

const SPECIFIERS = [
  'fixture-lib', 'fixture-lib/index.js', 'fixture-lib/index', 'fixture-lib/package.json',
  'fixture-dual', 'fixture-dual/feature', 'fixture-dual/package.json', 'fixture-dual/cjs/index.cjs',
  'fixture-esm', 'patterns', 'patterns/features/x.js', 'patterns/features/internal/y', 'patterns/features/nope.js',
  'patterns/arr', 'patterns/cond', 'patterns/missing', 'patterns/bad', 'patterns/json',
  'nomain', 'nomain/deep/file', 'nomain/deep/file.js', 'nomain/deep', 'mainnoext', 'maindir', 'badmain', 'jsononly', 'withtype',
  '@scope/pkg', '@scope/pkg/index.js', '@scope', 'nested', 'nested/dist/esm/index.js', 'linked', 'linked/index.js', 'not-installed',
  './data.json', './data', '../main', '../main.js', './dir', './dir/', './dir/index.js', './dirmain', '.', '..', './',
  'app', 'app/sub', 'app/nothere', 'app/package.json',
  '#internal', '#dep', '#pat/a', '#pat/zzz', '#cond', '#missing', '#', '#/x', '#/util', '#/', '#/nope/deeper', '#x/', '#/util/', '#//', '#/./util',
  'fixture-sync', 'fixture-sync/feature', 'fixture-sync/package.json',
  'fs', 'node:fs', 'fs/promises', 'node:test', 'test', '.hidden', 'fixture-lib/../patterns',
];

function probesFrom(fromFiles: string[], specifiers: string[]): Probe[] {
  return fromFiles.flatMap((fromFile) =>
    specifiers.flatMap((specifier) => (['require', 'import'] as const).map((conditions) => ({ specifier, fromFile, conditions }))),
  );
}

function ours(probe: Probe): NativeAnswer {
  try {
    return { path: resolveModule(probe.specifier, probe.fromFile, { conditions: probe.conditions }).path };
  } catch (error) {
    if (!(error instanceof MultiverseError)) throw error;
    return { code: error.code };
  }
}

async function assertSameAsNode(probes: Probe[]): Promise<void> {
  const native = await nativeResolve(probes);
  const mismatches = probes.flatMap((probe, i) => {
    const expected = normalise(native[i] as NativeAnswer);
    const actual = ours(probe);
    return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [{ ...probe, expected, actual }];
  });
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${probes.length} resolutions differ from Node`);
}

// Both tests compare with the Node running them (the probe is a child of process.execPath), so run
// on each Node line they prove the resolver follows that line's rules.
test('resolves like require.resolve and import.meta.resolve from every kind of importing file', async () => {
  const fromFiles = [
    path.join(project, 'main.js'),
    path.join(project, 'src', 'app.js'),
    path.join(project, 'src', 'esm', 'mod.js'),
    path.join(project, 'node_modules', 'fixture-esm', 'index.js'),
    path.join(project, 'node_modules', 'fixture-dual', 'esm', 'index.mjs'),
    path.join(project, 'node_modules', 'fixture-dual', 'cjs', 'index.cjs'),
    path.join(project, 'node_modules', 'linked', 'index.js'),
    path.join(project, 'node_modules', 'fixture-sync', 'index.js'),
  ];
  await assertSameAsNode(probesFrom(fromFiles, SPECIFIERS));
});

test('resolves like Node inside real npm packages installed from the registry', async () => {
  const specifiers = [
    'uuid', 'uuid/package.json', 'uuid/dist/cjs/index.js', 'nanoid', 'nanoid/non-secure', 'nanoid/async', 'chalk', 'chalk/package.json',
    'semver', 'semver/functions/satisfies', 'semver/functions/satisfies.js', 'semver/ranges', 'preact', 'preact/hooks', 'preact/jsx-runtime',
    'preact/compat', 'preact/compat/client', 'preact/package.json', '#ansi-styles', '#supports-color', 'lru-cache',
    'async-function', 'async-function/package.json',
  ];
  const fromFiles = [
    path.join(real, 'index.js'),
    path.join(real, 'node_modules', 'chalk', 'source', 'index.js'),
    path.join(real, 'node_modules', 'semver', 'index.js'),
    path.join(real, 'node_modules', 'preact', 'hooks', 'dist', 'hooks.js'),
  ];
  await assertSameAsNode(probesFrom(fromFiles, specifiers));
});

test('reports package, version, package root and format', () => {
  const from = path.join(project, 'main.js');
  const dual = resolveModule('fixture-dual', from, { conditions: 'import' });
  assert.deepEqual(dual, {
    path: path.join(project, 'node_modules', 'fixture-dual', 'esm', 'index.mjs'),
    packageName: 'fixture-dual',
    version: '1.0.0',
    format: 'module',
    builtin: false,
    packageRoot: path.join(project, 'node_modules', 'fixture-dual'),
  });
  assert.equal(resolveModule('fixture-dual', from).format, 'commonjs');
  assert.equal(resolveModule('withtype', from).format, 'module');
  assert.equal(resolveModule('jsononly', from).format, 'json');
  const nested = resolveModule('nested/dist/esm/index.js', from);
  assert.equal(nested.format, 'module', 'a nested {"type":"module"} package.json sets the format');
  assert.equal(nested.packageName, 'nested', 'a nested package.json without a name does not hide the package');
  assert.equal(nested.version, '1.2.3');
  const inner = resolveModule('fixture-lib', path.join(project, 'node_modules', 'fixture-esm', 'index.js'), { conditions: 'import' });
  assert.equal(inner.version, '2.0.0');
  const linked = resolveModule('linked', from);
  assert.equal(linked.path, path.join(project, 'linked-src', 'index.js'), 'symlinks resolve to real paths');
  assert.equal(linked.packageName, 'linked');
  assert.deepEqual(resolveModule('fs', from), { path: 'node:fs', packageName: null, version: null, format: 'builtin', builtin: true, packageRoot: null });
});

test('a boundary keeps lookups inside a namespace root', () => {
  const root = path.join(project, 'node_modules', 'fixture-esm');
  const from = path.join(root, 'index.js');
  assert.equal(resolveModule('fixture-lib', from, { boundary: root }).version, '2.0.0');
  assert.throws(
    () => resolveModule('fixture-dual', from, { boundary: root }),
    (error: unknown) =>
      error instanceof MultiverseError && error.code === 'MODULE_NOT_FOUND' && error.message.includes(from) && error.message.includes(path.join(root, 'node_modules')),
  );
  assert.equal(resolveModule('fixture-dual', from).packageName, 'fixture-dual', 'without the boundary the app tree is visible');
});

test('errors name the specifier and the importing file', () => {
  const from = path.join(project, 'src', 'app.js');
  assert.throws(
    () => resolveModule('not-installed', from),
    (error: unknown) => error instanceof MultiverseError && error.code === 'MODULE_NOT_FOUND' && /"not-installed" imported from .*src\/app\.js/.test(error.message),
  );
  assert.throws(() => resolveModule('patterns/missing', from), /target of an "exports" or "imports" map/);
  assert.throws(() => resolveModule('', from), /non-empty string/);
  assert.throws(() => resolveModule('x', 'relative/file.js'), /absolute path or a file: URL/);
  assert.equal(resolveModule('../main', `file://${from}`).path, path.join(project, 'main.js'));
});

test('an unknown node: built-in fails the way loading it fails', () => {
  // require.resolve says MODULE_NOT_FOUND and import.meta.resolve returns the URL, but both
  // require() and import() throw ERR_UNKNOWN_BUILTIN_MODULE: the resolver answers for the load.
  for (const conditions of ['require', 'import'] as const) {
    assert.throws(
      () => resolveModule('node:nope', path.join(project, 'main.js'), { conditions }),
      (error: unknown) => error instanceof MultiverseError && error.code === 'ERR_UNKNOWN_BUILTIN_MODULE' && /node:nope is not a built-in/.test(error.message),
    );
  }
});

test('answers for a target Node version: its conditions and its "#/" rule', () => {
  const from = path.join(project, 'main.js');
  const inside = path.join(project, 'node_modules', 'fixture-sync', 'index.js');
  const file = (name: string) => path.join(project, 'node_modules', 'fixture-sync', name);
  // require(esm) and "module-sync" arrived in 20.19, 22.12 and 23.0.
  for (const [node, entry] of [['20.18.3', 'index.js'], ['20.19.0', 'sync.mjs'], ['22.11.0', 'index.js'], ['22.12.0', 'sync.mjs'], ['24.0.0', 'sync.mjs'], ['18', 'index.js']] as const) {
    assert.equal(resolveModule('fixture-sync', from, { node }).path, file(entry), `require on Node ${node}`);
  }
  assert.equal(resolveModule('fixture-sync', from, { node: '20.18.0', conditions: 'import' }).path, file('index.mjs'));
  assert.equal(resolveModule('fixture-sync', from, { node: 'v22.12.0', conditions: 'import' }).path, file('sync.mjs'));
  assert.equal(resolveModule('fixture-sync/feature', from, { node: '22.11.0' }).path, file('feature.cjs'));
  assert.equal(resolveModule('fixture-sync/feature', from, { node: '22' }).path, file('feature.mjs'), 'a bare line means its newest release');
  // "#/" subpath imports are valid from 24.14 (and 25.4).
  assert.equal(resolveModule('#/util', inside, { node: '24.14.0' }).path, file(path.join('lib', 'util.js')));
  for (const node of ['24.13.0', '22', '20.19.0']) {
    assert.throws(() => resolveModule('#/util', inside, { node }), (error: unknown) => error instanceof MultiverseError && error.code === 'ERR_INVALID_MODULE_SPECIFIER' && error.message.includes(`Node ${node}`));
  }
  assert.throws(() => resolveModule('x', from, { node: 'lts' }), (error: unknown) => error instanceof MultiverseError && error.code === 'EINVALIDNODEVERSION');
});
