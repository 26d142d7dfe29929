import { mkdtemp, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import Arborist from '@npmcli/arborist';
import { startFixtureRegistry } from './registry';
import { writeFiles } from './workspace';

export interface NamespaceRoots {
  /** Everything lives under here; remove it when done. */
  dir: string;
  /** fixture-lib@1, fixture-dual, fixture-esm (with its own fixture-lib@2), fixture-peer, edge packages. */
  v1: string;
  /** fixture-lib@2 only. */
  v2: string;
  /** An app directory with fixture-lib@1, for `shared`. */
  app: string;
}

async function install(dir: string, dependencies: Record<string, string>, registry: string, cache: string): Promise<void> {
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), private: true, dependencies }));
  await new Arborist({ path: dir, registry, cache, audit: false, fund: false }).reify();
}

/**
 * Namespace roots installed by the real arborist from the fixture registry, plus small packages
 * written by hand for what the fixtures do not exercise: introspection of `require`, the module
 * facade, ESM createRequire, cycles, syntax errors and missing dependencies.
 */
export async function createNamespaceRoots(): Promise<NamespaceRoots> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'multiverse-ns-'));
  const roots = { dir, v1: path.join(dir, 'v1'), v2: path.join(dir, 'v2'), app: path.join(dir, 'app') };
  const registry = await startFixtureRegistry();
  const cache = path.join(dir, '.cache');
  try {
    await writeFiles(dir, { 'v1/.keep': '', 'v2/.keep': '', 'app/.keep': '' });
    await install(roots.v1, { 'fixture-lib': '^1.0.0', 'fixture-dual': '1.0.0', 'fixture-esm': '1.0.0' }, registry.url, cache);
    await install(roots.v2, { 'fixture-lib': '^2.0.0' }, registry.url, cache);
    await install(roots.app, { 'fixture-lib': '^1.0.0' }, registry.url, cache);
  } finally {
    await registry.close();
  }
  await writeFiles(path.join(roots.v1, 'node_modules'), {
    'edge-introspect/package.json': { name: 'edge-introspect', version: '1.0.0' },
    'edge-introspect/index.js': `'use strict';
const Module = require('module');
exports.lib = require('fixture-lib');
exports.viaFacade = () => Module.createRequire(__filename)('fixture-lib');
exports.viaNodeModule = () => require('node:module').createRequire(__filename)('fixture-lib');
exports.facadeCacheIsRequireCache = Module._cache === require.cache;
exports.requireCache = require.cache;
exports.resolved = require.resolve('fixture-lib');
exports.resolvedBuiltin = require.resolve('fs');
exports.resolveFilename = Module._resolveFilename('fixture-lib', module);
exports.lookupPaths = require.resolve.paths('fixture-lib');
exports.moduleRequire = module.require('fixture-lib');
exports.dynamicImport = () => import('fixture-esm');
exports.dynamicImportOfCommonJs = () => import('fixture-lib');
exports.makeError = () => new TypeError('made inside');
exports.makePromise = () => Promise.resolve(42);
exports.makeArray = () => [1, 2, 3];
exports.filename = __filename;
`,
    'edge-esm/package.json': { name: 'edge-esm', version: '1.0.0', type: 'module', exports: './index.js' },
    'edge-esm/index.js': `import { createRequire } from 'module';
import * as moduleNamespace from 'node:module';
import lib, { increment } from 'fixture-lib';
import data from './data.json' with { type: 'json' };
const require = createRequire(import.meta.url);
export const viaCreateRequire = require('fixture-lib');
export const defaultExport = lib;
export const namedIncrement = increment;
export const resolvedUrl = import.meta.resolve('fixture-lib');
export const facadeCache = moduleNamespace._cache;
export const json = data;
`,
    'edge-esm/data.json': '{ "answer": 42 }',
    'edge-cycle/package.json': { name: 'edge-cycle', version: '1.0.0' },
    'edge-cycle/a.js': `exports.early = 'a-early';
const b = require('./b');
exports.late = 'a-late';
exports.sawFromB = b.sawFromA;
`,
    'edge-cycle/b.js': `const a = require('./a');
exports.sawFromA = { early: a.early, late: a.late };
`,
    'edge-syntax/package.json': { name: 'edge-syntax', version: '1.0.0' },
    'edge-syntax/index.js': `'use strict';
const fine = 1;
const broken = ;
`,
    'edge-throws/package.json': { name: 'edge-throws', version: '1.0.0' },
    'edge-throws/index.js': `'use strict';

function explode() {
  throw new Error('exploded on line 4');
}
explode();
`,
    'edge-missing/package.json': { name: 'edge-missing', version: '1.0.0' },
    'edge-missing/index.js': `require('not-in-this-namespace');\n`,
    'edge-missing-esm/package.json': { name: 'edge-missing-esm', version: '1.0.0', type: 'module' },
    'edge-missing-esm/index.js': `import 'not-in-this-namespace';\n`,
    'edge-heavy/package.json': { name: 'edge-heavy', version: '1.0.0' },
    'edge-heavy/index.js': `exports.payload = new Array(100000).fill(0).map((_, i) => ({ i }));\nexports.helper = require('fixture-lib');\n`,
  });
  return roots;
}
