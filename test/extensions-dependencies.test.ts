import assert from 'node:assert/strict';
import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ExtensionManager, loadProject, type ExtensionProgressEvent } from 'multiverse';
import { nodeFeatures } from 'multiverse/tooling';
import { isolations } from './support/extensions';
import { repoRoot } from './support/paths';
import { cli, closeFixtureWorkspace, makeProject, openFixtureWorkspace } from './support/project';
import type { FixtureRegistry } from './support/registry';

let registry: FixtureRegistry;
let workDir: string;

before(async () => ({ registry, workDir } = await openFixtureWorkspace('multiverse-ext-deps-test-')));
after(() => closeFixtureWorkspace({ registry, workDir }));

const extension = `const { ExtensionBase } = require('multiverse');
const lib = require('fixture-lib');
module.exports = class extends ExtensionBase {
  version() { return lib.version; }
  resolved() { return require.resolve('fixture-lib'); }
  async imported() { return (await import('fixture-lib')).default.version; }
};
`;

test('dependencies install into the extension’s own tree, once; the extension resolves them from there', async () => {
  // The project itself has fixture-lib@1 next to the extension: the extension's own 2.x must win.
  const project = await makeProject(workDir, registry.url, {
    'extensions/greeter/index.js': extension,
    'extensions/greeter-esm/index.mjs': "import { ExtensionBase } from 'multiverse';\nimport lib from 'fixture-lib';\nexport default class extends ExtensionBase { version() { return lib.version; } }\n",
    'node_modules/fixture-lib/package.json': JSON.stringify({ name: 'fixture-lib', version: '1.0.0', main: 'index.js' }),
    'node_modules/fixture-lib/index.js': "exports.version = 'project copy';\n",
  });
  const manager = new ExtensionManager({ root: project });
  try {
    for (const isolation of isolations) {
      const progress: ExtensionProgressEvent[] = [];
      const onProgress = (event: ExtensionProgressEvent): void => void progress.push(event);
      manager.on('progress', onProgress);
      const ext = await manager.load<{ version(): string; resolved(): string; imported(): string }>({ name: 'greeter', path: 'extensions/greeter', isolation, dependencies: { 'fixture-lib': '^2.0.0' } });
      manager.off('progress', onProgress);
      assert.equal(await ext.version(), '2.0.0');
      assert.equal(await ext.resolved(), path.join(project, '.multiverse', '.extensions', 'greeter', 'node_modules', 'fixture-lib', 'lib', 'main.js'));
      // import() from CommonJS goes through the ESM loader: routed by in-thread hooks where Node has
      // them; Node 20 would need its hooks thread for every CommonJS extension (runtime/README.md).
      assert.equal(await ext.imported(), nodeFeatures().syncHooks ? '2.0.0' : 'project copy');
      // The first load installs; the second finds the fingerprint current and skips.
      assert.ok(progress.length > 0 && progress.every((e) => e.name === 'greeter'));
      assert.equal(progress.at(-1)?.phase, isolation === 'worker' ? 'done' : 'up-to-date');
      await manager.stop('greeter');
    }
    await stat(path.join(project, '.multiverse', '.extensions', 'greeter', 'package-lock.json'));
    const esm = await manager.load<{ version(): string }>({ name: 'greeter-esm', path: 'extensions/greeter-esm/index.mjs', dependencies: { 'fixture-lib': '^2.0.0' } });
    assert.equal(await esm.version(), '2.0.0', 'an ES module extension imports from its own tree too');
  } finally {
    await manager.stopAll();
  }
});

test('resolution knows extension trees: loadProject().resolve in an extension folder answers the copy the extension loads, and multiverse run needs no install', async () => {
  const runtime = path.join(repoRoot, 'runtime');
  const project = await makeProject(workDir, registry.url, {
    'multiverse.json': JSON.stringify({
      extensions: {
        'legacy-report': { path: 'extensions/legacy-report', isolation: 'worker', dependencies: { 'fixture-lib': '^1.0.0' } },
        // An extension file at the project's root owns that file, not the app's files beside it.
        tool: { path: 'tool.js', dependencies: { 'fixture-lib': '^1.0.0' } },
      },
    }),
    'tool.js': '',
    // Reports the file it actually loaded (require.cache), not what require.resolve answers.
    'extensions/legacy-report/index.js': `const { ExtensionBase } = require('multiverse');
const lib = require('fixture-lib');
module.exports = class extends ExtensionBase {
  version() { return lib.version; }
  loadedFrom() { return Object.keys(require.cache).find((file) => file.includes('fixture-lib')); }
};
`,
    'node_modules/fixture-lib/package.json': JSON.stringify({ name: 'fixture-lib', version: '2.0.0', main: 'index.js' }),
    'node_modules/fixture-lib/index.js': "exports.version = 'app copy';\n",
    'app.js': `const { ExtensionManager } = require(${JSON.stringify(runtime)});
const manager = new ExtensionManager({ root: __dirname });
manager.loadDeclared('legacy-report').then(async (ext) => {
  console.log(JSON.stringify({ version: await ext.version(), loadedFrom: await ext.loadedFrom() }));
  await manager.stopAll();
});
`,
  });
  // An extensions-only project runs without "multiverse install": the extension installs its tree when it loads.
  const ran = await cli(project, 'run', 'app.js');
  assert.equal(ran.code, 0, ran.stderr);
  const loaded = JSON.parse(ran.stdout) as { version: string; loadedFrom: string };
  assert.equal(loaded.version, '1.0.0');

  const routing = loadProject(project);
  const inExtension = path.join(project, 'extensions', 'legacy-report', 'index.js');
  const resolved = routing.resolve('fixture-lib', inExtension);
  assert.deepEqual([resolved.kind, resolved.owner, resolved.namespace, resolved.version, resolved.path], ['extension', 'legacy-report', null, '1.0.0', loaded.loadedFrom]);
  assert.equal(routing.extensionOf(inExtension), 'legacy-report');
  assert.equal(routing.extensionOf(resolved.path), 'legacy-report', 'files of its tree belong to it too');
  assert.deepEqual([routing.resolve('fixture-lib', resolved.path).kind, routing.resolve('./index.js', resolved.path).version], ['extension', '1.0.0']);
  const app = routing.resolve('fixture-lib', path.join(project, 'app.js'));
  assert.deepEqual([app.kind, app.owner, app.version], ['main', null, '2.0.0']);
  assert.deepEqual([routing.extensionOf(path.join(project, 'app.js')), routing.extensionOf(path.join(project, 'tool.js'))], [null, 'tool']);
  const self = routing.resolve('multiverse', inExtension);
  assert.deepEqual([self.packageName, self.path], ['multiverse', await realpath(path.join(runtime, 'dist', 'index.js'))], 'the runtime provides itself to every extension');
});
