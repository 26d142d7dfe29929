import assert from 'node:assert/strict';
import { rm, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError } from 'multiverse';
import { analyzeProject, explainPackage, installProject, loadTree, ManifestError, type Conflict, type ProjectAnalysis } from 'multiverse/tooling';
import { canonical } from './support/graph';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';
import { installWith, tempDir, writeFiles } from './support/workspace';

let registry: FixtureRegistry;
before(async () => {
  registry = await startFixtureRegistry();
});
after(() => registry.close());

function only(analysis: ProjectAnalysis, kind: Conflict['kind']): Conflict[] {
  return analysis.conflicts.filter((c) => c.kind === kind);
}

test('a tree installed over a peer conflict is explained as ERESOLVE would, anchored at both sides', async () => {
  const dir = await tempDir('peer');
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^2.0.0', 'fixture-peer': '^1.0.0' } } });
  await installWith(dir, registry.url, { force: true });
  const analysis = await analyzeProject(dir);
  assert.equal(analysis.main.source, 'actual');
  const [peer, ...rest] = only(analysis, 'peer');
  assert.ok(peer, `expected a peer conflict, got ${JSON.stringify(analysis.conflicts)}`);
  assert.equal(rest.length, 0);
  assert.equal(peer.package, 'fixture-lib');
  assert.deepEqual(peer.versions, ['2.0.0', '^1.0.0']);
  assert.match(peer.message, /Found: fixture-lib@2\.0\.0/);
  assert.match(peer.message, /peer fixture-lib@"\^1\.0\.0" from fixture-peer@1\.0\.0/);
  assert.deepEqual(
    peer.anchors.map((a) => a.jsonPath.join('.')).sort(),
    ['dependencies.fixture-lib', 'dependencies.fixture-peer'],
  );
  assert.ok(peer.anchors.every((a) => a.file === path.join(dir, 'package.json')));
  assert.deepEqual(peer.dependents.map((d) => `${d.name}:${d.type}`).sort(), ['(root):prod', 'fixture-peer:peer']);
});

test('invalid, missing and duplicated-singleton findings; optional dependencies are never missing', async () => {
  const dir = await tempDir('invalid');
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^2.0.0', 'fixture-dual': '^1.0.0' } } });
  await installWith(dir, registry.url);
  // The user edits the range without reinstalling: the installed 2.0.0 no longer satisfies it.
  await writeFiles(dir, {
    'package.json': {
      name: 'app',
      version: '1.0.0',
      dependencies: { 'fixture-lib': '^1.0.0', 'fixture-dual': '^1.0.0', 'fixture-esm': '^1.0.0' },
      optionalDependencies: { 'fixture-not-there': '^1.0.0' },
    },
  });
  const analysis = await analyzeProject(dir, { singletons: ['fixture-lib'] });
  const [invalid] = only(analysis, 'invalid');
  assert.equal(invalid?.package, 'fixture-lib');
  assert.deepEqual(invalid?.versions, ['2.0.0']);
  assert.deepEqual(invalid?.anchors.map((a) => a.jsonPath), [['dependencies', 'fixture-lib']]);
  assert.match(invalid?.message ?? '', /fixture-lib@2\.0\.0 is installed at node_modules\/fixture-lib, but the root project needs "\^1\.0\.0"/);
  assert.deepEqual(only(analysis, 'missing').map((c) => c.package), ['fixture-esm']);
  const [singleton] = only(analysis, 'singleton');
  assert.deepEqual(singleton?.versions.sort(), ['1.0.0', '2.0.0']);
  assert.deepEqual(singleton?.locations.sort(), ['node_modules/fixture-dual/node_modules/fixture-lib', 'node_modules/fixture-lib']);
  assert.equal(singleton?.severity, 'error', 'two copies of a singleton break at run time');
  assert.deepEqual(singleton?.paths.sort(), [path.join(dir, 'node_modules', 'fixture-dual', 'node_modules', 'fixture-lib'), path.join(dir, 'node_modules', 'fixture-lib')]);
  assert.deepEqual(invalid?.paths, [path.join(dir, 'node_modules', 'fixture-lib')]);

  // Declared as allowed in multiverse.json: still reported, as a warning.
  await writeFiles(dir, { 'multiverse.json': { allowDuplicates: ['fixture-lib'] } });
  const allowed = only(await analyzeProject(dir, { singletons: ['fixture-lib'] }), 'singleton');
  assert.deepEqual(allowed.map((c) => c.severity), ['warning']);
  assert.match(allowed[0]?.message ?? '', /multiverse\.json allows it \("allowDuplicates"\)/);
});

test('a missing dependency names the copy that lacks it', async () => {
  const dir = await tempDir('missing-copy');
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-dual': '^1.0.0' } } });
  await installWith(dir, registry.url);
  await rm(path.join(dir, 'node_modules', 'fixture-lib'), { recursive: true });
  const [missing, ...rest] = only(await analyzeProject(dir), 'missing');
  assert.equal(rest.length, 0);
  assert.match(missing?.message ?? '', /^Missing dependency: fixture-dual@1\.0\.0 at node_modules\/fixture-dual needs fixture-lib@"\^1\.0\.0"/);
  assert.deepEqual([missing?.locations, missing?.paths], [['node_modules/fixture-dual'], [path.join(dir, 'node_modules', 'fixture-dual')]]);
});

test('falls back to the lockfile without node_modules, and to the manifest without either', async () => {
  const dir = await tempDir('virtual');
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-dual': '^1.0.0' } } });
  await installWith(dir, registry.url);
  await rm(path.join(dir, 'node_modules'), { recursive: true });
  const virtual = await analyzeProject(dir);
  assert.equal(virtual.main.source, 'virtual');
  assert.deepEqual(virtual.main.nodes.map((n) => `${n.name}@${n.version}`).sort(), ['app@1.0.0', 'fixture-dual@1.0.0', 'fixture-lib@1.0.0']);
  assert.deepEqual(virtual.conflicts, []);

  await rm(path.join(dir, 'package-lock.json'));
  const bare = await analyzeProject(dir);
  assert.equal(bare.main.source, 'manifest-only');
  assert.deepEqual(bare.conflicts.map((c) => `${c.kind}:${c.package}`), ['missing:fixture-dual']);
});

test('a malformed package.json is an input error with its position; a folder without one is an empty project', async () => {
  const dir = await tempDir('malformed');
  await writeFiles(dir, { 'package.json': '{\n  "name": "app",\n  "dependencies": { "a": }\n}\n' });
  await assert.rejects(analyzeProject(dir), (error: unknown) => {
    assert.ok(error instanceof ManifestError);
    assert.equal(error.line, 3);
    assert.equal(error.column, 26);
    return true;
  });
  const empty = await tempDir('empty');
  const analysis = await analyzeProject(empty);
  assert.equal(analysis.main.nodes.length, 1);
  assert.deepEqual(analysis.conflicts, []);
});

test('workspaces: a problem in a workspace is anchored in that workspace\'s package.json', async () => {
  const dir = await tempDir('workspaces');
  await writeFiles(dir, {
    'package.json': { name: 'mono', version: '1.0.0', workspaces: ['packages/*'] },
    'packages/a/package.json': { name: 'a', version: '1.0.0', dependencies: { 'fixture-lib': '^1.0.0' } },
    'packages/b/package.json': { name: 'b', version: '1.0.0', dependencies: { a: '^1.0.0' } },
  });
  await installWith(dir, registry.url);
  await writeFiles(dir, { 'packages/b/package.json': { name: 'b', version: '1.0.0', dependencies: { a: '^1.0.0', 'fixture-esm': '^1.0.0' } } });
  const analysis = await analyzeProject(dir);
  const workspaces = analysis.main.nodes.filter((n) => n.isWorkspace).map((n) => n.name).sort();
  assert.deepEqual(workspaces, ['a', 'b']);
  const [missing, ...rest] = analysis.conflicts;
  assert.equal(rest.length, 0, JSON.stringify(analysis.conflicts));
  assert.equal(missing?.package, 'fixture-esm');
  assert.deepEqual(missing?.anchors, [{ file: path.join(dir, 'packages', 'b', 'package.json'), jsonPath: ['dependencies', 'fixture-esm'] }]);
  const why = explainPackage(analysis, 'fixture-lib');
  assert.deepEqual(why.copies.map((c) => c.chains), [['a (workspace) > fixture-lib@1.0.0']]);
});

test('a symlink loop in node_modules does not hang the analysis', async () => {
  const dir = await tempDir('loop');
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { loop: 'file:.' } } });
  await writeFiles(dir, { 'node_modules/.keep': '' });
  await symlink('..', path.join(dir, 'node_modules', 'loop'));
  await symlink('.', path.join(dir, 'node_modules', 'self'));
  const analysis = await analyzeProject(dir);
  assert.ok(analysis.main.nodes.length >= 1);
});

test('namespaces: not installed, installed with its own tree, stale, declared twice, shared and missing', async () => {
  const dir = await tempDir('namespaces');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^2.0.0' } },
    'multiverse.json': { namespaces: { legacy: { dependencies: { 'fixture-lib': '^1.0.0', 'fixture-dual': '^1.0.0' }, shared: ['fixture-gone'] } } },
  });
  await installWith(dir, registry.url);
  const before = await analyzeProject(dir);
  assert.deepEqual(before.namespaceSummaries.map((n) => `${n.name}:${n.state}`), ['legacy:missing']);
  const notInstalled = only(before, 'namespace-not-installed')[0];
  assert.deepEqual(notInstalled?.anchors, [{ file: path.join(dir, 'multiverse.json'), jsonPath: ['namespaces', 'legacy'] }]);
  const twice = only(before, 'declared-twice')[0];
  assert.equal(twice?.severity, 'warning');
  assert.deepEqual(twice?.anchors.map((a) => [path.basename(a.file), ...a.jsonPath]), [
    ['multiverse.json', 'namespaces', 'legacy', 'dependencies', 'fixture-lib'],
    ['package.json', 'dependencies', 'fixture-lib'],
  ]);
  assert.match(twice?.message ?? '', /App code importing it gets the namespace's copy; the package\.json entry only serves packages in node_modules that depend on it/);
  assert.deepEqual(only(before, 'missing').map((c) => [c.package, c.anchors[0]?.jsonPath.join('.')]), [['fixture-gone', 'namespaces.legacy.shared.0']]);

  await writeFiles(dir, { '.npmrc': `registry=${registry.url}\n` });
  await installProject(dir);
  const installed = await analyzeProject(dir);
  assert.deepEqual(installed.namespaceSummaries.map((n) => `${n.name}:${n.state}`), ['legacy:installed']);
  assert.equal(installed.namespaces[0]?.namespace, 'legacy');
  const why = explainPackage(installed, 'fixture-lib');
  assert.deepEqual(why.copies.map((c) => `${c.namespace ?? 'main'}:${c.version}`), ['main:2.0.0', 'legacy:1.0.0']);
  assert.deepEqual(why.copies[1]?.chains, ['(namespace legacy) > fixture-lib@1.0.0', '(namespace legacy) > fixture-dual@1.0.0 > fixture-lib@1.0.0']);
  assert.deepEqual(why.declaredIn, [{ namespace: 'legacy', spec: '^1.0.0' }]);

  await writeFiles(dir, { 'multiverse.json': { namespaces: { legacy: { dependencies: { 'fixture-lib': '^1.0.0' } } } } });
  const stale = await analyzeProject(dir);
  assert.deepEqual(stale.namespaceSummaries.map((n) => `${n.name}:${n.state}`), ['legacy:stale']);
  assert.deepEqual(only(stale, 'namespace-stale').map((c) => c.message), ['Namespace "legacy" is stale: its dependencies changed since it was installed (removed "fixture-dual"). Run "multiverse install".']);

  // Scoped, the namespace serves only the app files it matches; the rest get package.json's copy.
  await writeFiles(dir, { 'multiverse.json': { namespaces: { legacy: { dependencies: { 'fixture-lib': '^1.0.0' }, scope: ['src/legacy/**'] } } } });
  const scoped = only(await analyzeProject(dir), 'declared-twice')[0];
  assert.match(scoped?.message ?? '', /App files matching "src\/legacy\/\*\*" get the namespace's copy; other app files get the package\.json copy from the main tree\./);
  assert.deepEqual(scoped?.paths, [path.join(dir, 'node_modules', 'fixture-lib'), path.join(dir, '.multiverse', 'legacy', 'node_modules', 'fixture-lib')]);

  await writeFiles(dir, { 'multiverse.json': '{ "namespaces": { "legacy": { "dependencies": { "fixture-lib": 1 } } } }' });
  await assert.rejects(analyzeProject(dir), ConfigError);
});

test('a conflict inside a namespace tree is anchored at the namespace entries in multiverse.json', async () => {
  const dir = await tempDir('ns-conflict');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0' },
    '.npmrc': `registry=${registry.url}\n`,
    'multiverse.json': { namespaces: { plugins: { dependencies: { 'fixture-dual': '^1.0.0', 'fixture-esm': '^1.0.0' } } } },
  });
  await installProject(dir);
  const analysis = await analyzeProject(dir, { singletons: ['fixture-lib'] });
  const [singleton, ...rest] = only(analysis, 'singleton');
  assert.equal(rest.length, 0);
  assert.equal(singleton?.namespace, 'plugins');
  assert.match(singleton?.message ?? '', /in namespace "plugins"/);
  assert.deepEqual(singleton?.anchors.map((a) => [path.basename(a.file), ...a.jsonPath]).sort(), [
    ['multiverse.json', 'namespaces', 'plugins', 'dependencies', 'fixture-dual'],
    ['multiverse.json', 'namespaces', 'plugins', 'dependencies', 'fixture-esm'],
  ]);
});

test('an aborted analysis rejects with the abort reason', async () => {
  const dir = await tempDir('abort');
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0' } });
  const controller = new AbortController();
  controller.abort(new Error('superseded'));
  await assert.rejects(analyzeProject(dir, { signal: controller.signal }), /superseded/);
});

test('the graph read from the hidden lockfile is the one arborist builds by walking node_modules', async () => {
  const dir = await tempDir('equivalence');
  await writeFiles(dir, {
    'package.json': {
      name: 'mono',
      version: '1.0.0',
      workspaces: ['packages/*'],
      dependencies: { 'fixture-lib': '^2.0.0', 'fixture-peer': '^1.0.0', 'lib-one': 'npm:fixture-lib@^1.0.0' },
      devDependencies: { 'fixture-dual': '^1.0.0' },
      optionalDependencies: { 'fixture-esm': '^1.0.0' },
    },
    'packages/a/package.json': { name: 'a', version: '1.0.0', dependencies: { 'fixture-lib': '^1.0.0' }, peerDependencies: { 'fixture-esm': '*' }, peerDependenciesMeta: { 'fixture-esm': { optional: true } } },
    'packages/b/package.json': { name: 'b', version: '2.0.0', dependencies: { a: '^1.0.0', 'fixture-dual': '^1.0.0' } },
  });
  await installWith(dir, registry.url, { force: true });
  // Edits after the install: an invalid range, a missing dependency, a removed one (now extraneous).
  await writeFiles(dir, {
    'package.json': {
      name: 'mono',
      version: '1.0.0',
      workspaces: ['packages/*'],
      dependencies: { 'fixture-lib': '^3.0.0', 'lib-one': 'npm:fixture-lib@^1.0.0', 'not-installed': '^1.0.0' },
      devDependencies: { 'fixture-dual': '^1.0.0', 'fixture-lib': '^2.0.0' },
    },
  });
  const fast = await loadTree(dir, null);
  const walked = await loadTree(dir, null, { forceActual: true });
  assert.equal(fast.source, 'actual');
  assert.ok(fast.edges.some((e) => e.problem === 'INVALID') && fast.edges.some((e) => e.problem === 'MISSING'));
  assert.ok(fast.nodes.some((n) => n.extraneous) && fast.nodes.some((n) => n.name === 'fixture-lib' && n.installedAs === 'lib-one'));
  assert.deepEqual(canonical(fast), canonical(walked));
});

test('file: dependencies (links to folders in the project) read from the hidden lockfile as arborist reads them', async () => {
  const parent = await tempDir('file-links');
  const dir = path.join(parent, 'app');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { plug: 'file:plugins/plug', outside: 'file:../outside-lib', 'fixture-lib': '^2.0.0' } },
    '../outside-lib/package.json': { name: 'outside', version: '3.0.0', dependencies: { 'fixture-peer': '^1.0.0' } },
    'plugins/plug/package.json': {
      name: 'plug',
      version: '0.1.0',
      dependencies: { 'fixture-dual': '^1.0.0' },
      peerDependencies: { 'fixture-lib': '^1.0.0' },
      devDependencies: { 'fixture-esm': '^1.0.0' },
    },
  });
  await installWith(dir, registry.url, { force: true });
  const fast = await loadTree(dir, null);
  assert.deepEqual(canonical(fast), canonical(await loadTree(dir, null, { forceActual: true })));
  const analysis = await analyzeProject(dir);
  assert.deepEqual(analysis.conflicts.map((c) => `${c.kind}:${c.package}`).sort(), ['missing:fixture-peer', 'peer:fixture-lib'], 'a folder outside the project does not see its node_modules');
  assert.match(analysis.conflicts.find((c) => c.kind === 'peer')?.message ?? '', /peer fixture-lib@"\^1\.0\.0" from plug@0\.1\.0/);
});

test('a namespace holding a file: dependency installed as a copy (install-links) is not invalid', async () => {
  const dir = await tempDir('ns-file-dep');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0' },
    '.npmrc': `registry=${registry.url}\n`,
    'plugins/plug/package.json': { name: 'plug', version: '0.1.0', dependencies: { 'fixture-lib': '^1.0.0' } },
    'multiverse.json': { namespaces: { plugins: { dependencies: { plug: 'file:plugins/plug' } } } },
  });
  await installProject(dir);
  const analysis = await analyzeProject(dir);
  assert.deepEqual(analysis.conflicts, []);
  const nsRoot = path.join(dir, '.multiverse', 'plugins');
  assert.deepEqual(canonical(await loadTree(nsRoot, 'plugins')), canonical(await loadTree(nsRoot, 'plugins', { forceActual: true })));
});

test('a package a namespace shares with the app is judged against the app\'s copy', async () => {
  const dir = await tempDir('ns-shared');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^2.0.0' } },
    '.npmrc': `registry=${registry.url}\n`,
    'multiverse.json': { namespaces: { legacy: { dependencies: { 'fixture-peer': '^1.0.0' }, shared: ['fixture-lib'] } } },
  });
  await installWith(dir, registry.url);
  await installProject(dir);
  const analysis = await analyzeProject(dir);
  const [shared, ...rest] = analysis.conflicts;
  assert.equal(rest.length, 0, JSON.stringify(analysis.conflicts));
  assert.equal(shared?.kind, 'peer');
  assert.equal(shared?.namespace, 'legacy');
  assert.match(shared?.message ?? '', /shares fixture-lib with the app, which has fixture-lib@2\.0\.0, but in the namespace fixture-peer@1\.0\.0 needs peer "\^1\.0\.0"/);
  assert.deepEqual(shared?.anchors.map((a) => a.jsonPath), [['namespaces', 'legacy', 'shared', '0']]);

  // With the app on a version the namespace accepts, sharing is fine.
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^1.0.0' } } });
  await installWith(dir, registry.url);
  assert.deepEqual((await analyzeProject(dir)).conflicts, []);
});

test('namespace-orphaned: a tree and map entry multiverse.json no longer declares; main-tree-leftover: a copy an isolation left in node_modules', async () => {
  const dir = await tempDir('orphans');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-dual': '^1.0.0' } },
    '.npmrc': `registry=${registry.url}\n`,
    'multiverse.json': { namespaces: { gone: { dependencies: { 'fixture-peer': '^1.0.0' } } } },
  });
  await installWith(dir, registry.url);
  await installProject(dir);
  // Isolated by hand, without npm install: package.json drops fixture-dual, its copy stays.
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0' },
    'multiverse.json': { namespaces: { kept: { dependencies: { 'fixture-dual': '^1.0.0' } } } },
  });
  const analysis = await analyzeProject(dir);
  const [orphan] = only(analysis, 'namespace-orphaned');
  assert.equal(orphan?.severity, 'error');
  assert.match(orphan?.message ?? '', /Namespace "gone" is not in multiverse\.json any more, but \.multiverse\/map\.json still routes imports to it/);
  assert.deepEqual(orphan?.paths, [path.join(dir, '.multiverse', 'gone')]);
  const [leftover, ...more] = only(analysis, 'main-tree-leftover');
  assert.equal(more.length, 0, 'fixture-lib is extraneous too, but no namespace declares it');
  assert.equal(leftover?.severity, 'warning');
  assert.match(leftover?.message ?? '', /"fixture-dual" lives in namespace "kept", but the main tree still holds fixture-dual@1\.0\.0 at node_modules\/fixture-dual.*Run "npm install" in /);
  assert.deepEqual(leftover?.anchors, [{ file: path.join(dir, 'multiverse.json'), jsonPath: ['namespaces', 'kept', 'dependencies', 'fixture-dual'] }]);

  await installProject(dir);
  assert.deepEqual(only(await analyzeProject(dir), 'namespace-orphaned'), [], 'install pruned it');
  await installWith(dir, registry.url);
  assert.deepEqual(only(await analyzeProject(dir), 'main-tree-leftover'), [], 'npm install removed it');
});
