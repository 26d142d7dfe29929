import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ExtensionManager, nodeFeatures, type ExtensionProgressEvent } from 'multiverse';
import { isolations } from './support/extensions';
import { closeFixtureWorkspace, makeProject, openFixtureWorkspace } from './support/project';
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
