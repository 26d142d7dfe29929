import { cp, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import Arborist from '@npmcli/arborist';
import { buildOnce } from './build-once';
import { fixturePackagesDir } from './paths';
import { writeFiles } from './workspace';

/**
 * A project that exercises every branch of Node's resolution: the fixtures (copied into
 * node_modules the way npm lays them out, fixture-esm with its own nested fixture-lib@2,
 * fixture-sync with a "module-sync" entry and "#/" imports, whose answers differ by Node line), an app
 * with `exports`/`imports`/self-reference, and small hand-made packages for patterns, arrays,
 * conditions, `main` without extension, directory mains, scopes, symlinks and JSON entries.
 */
export async function createResolverProject(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'multiverse-resolver-'));
  const modules = path.join(dir, 'node_modules');
  await cp(path.join(fixturePackagesDir, 'fixture-lib-1.0.0'), path.join(modules, 'fixture-lib'), { recursive: true });
  await cp(path.join(fixturePackagesDir, 'fixture-dual'), path.join(modules, 'fixture-dual'), { recursive: true });
  await cp(path.join(fixturePackagesDir, 'fixture-esm'), path.join(modules, 'fixture-esm'), { recursive: true });
  await cp(path.join(fixturePackagesDir, 'fixture-sync'), path.join(modules, 'fixture-sync'), { recursive: true });
  await cp(path.join(fixturePackagesDir, 'fixture-lib-2.0.0'), path.join(modules, 'fixture-esm', 'node_modules', 'fixture-lib'), { recursive: true });
  await writeFiles(dir, {
    'package.json': {
      name: 'app',
      version: '0.0.1',
      exports: { '.': './main.js', './sub': './lib/sub.js' },
      imports: { '#internal': './lib/internal.js', '#dep': 'fixture-lib', '#pat/*': './lib/pat/*.js', '#cond': { import: './lib/sub.js', require: './lib/internal.js' } },
    },
    'main.js': 'module.exports = "main";',
    'data.json': '{"ok":true}',
    'lib/sub.js': '',
    'lib/internal.js': '',
    'lib/pat/a.js': '',
    'dir/index.js': '',
    'dirmain/package.json': { main: 'entry' },
    'dirmain/entry.js': '',
    'src/app.js': '',
    'src/esm/package.json': { type: 'module' },
    'src/esm/mod.js': '',
    'node_modules/patterns/package.json': {
      name: 'patterns',
      version: '3.1.4',
      exports: {
        '.': { node: { require: './n.cjs', default: './n.mjs' }, default: './n.mjs' },
        './features/*.js': './src/features/*.js',
        './features/internal/*': null,
        './arr': ['invalid:x', './arr.js'],
        './cond': { import: './c.mjs', require: './c.cjs' },
        './missing': './nope.js',
        './bad': '../outside.js',
        './json': './data.json',
      },
    },
    'node_modules/patterns/n.cjs': '',
    'node_modules/patterns/n.mjs': '',
    'node_modules/patterns/src/features/x.js': '',
    'node_modules/patterns/src/features/internal/y.js': '',
    'node_modules/patterns/arr.js': '',
    'node_modules/patterns/c.mjs': '',
    'node_modules/patterns/c.cjs': '',
    'node_modules/patterns/data.json': '{}',
    'node_modules/nomain/package.json': { name: 'nomain', version: '1.0.0' },
    'node_modules/nomain/index.js': '',
    'node_modules/nomain/deep/file.js': '',
    'node_modules/mainnoext/package.json': { name: 'mainnoext', version: '1.0.0', main: 'lib/entry' },
    'node_modules/mainnoext/lib/entry.js': '',
    'node_modules/maindir/package.json': { name: 'maindir', version: '1.0.0', main: 'lib' },
    'node_modules/maindir/lib/index.js': '',
    'node_modules/badmain/package.json': { name: 'badmain', version: '1.0.0', main: 'missing.js' },
    'node_modules/badmain/index.js': '',
    'node_modules/jsononly/package.json': { name: 'jsononly', version: '1.0.0', main: 'data.json' },
    'node_modules/jsononly/data.json': '[]',
    'node_modules/withtype/package.json': { name: 'withtype', version: '2.0.0', type: 'module', main: 'index.js' },
    'node_modules/withtype/index.js': '',
    'node_modules/@scope/pkg/package.json': { name: '@scope/pkg', version: '0.1.0', exports: './index.js' },
    'node_modules/@scope/pkg/index.js': '',
    'node_modules/nested/package.json': { name: 'nested', version: '1.2.3', main: 'dist/cjs/index.js' },
    'node_modules/nested/dist/cjs/index.js': '',
    'node_modules/nested/dist/esm/package.json': { type: 'module' },
    'node_modules/nested/dist/esm/index.js': '',
    'linked-src/package.json': { name: 'linked', version: '9.9.9' },
    'linked-src/index.js': '',
  });
  await symlink(path.join(dir, 'linked-src'), path.join(modules, 'linked'), 'dir');
  return dir;
}

/**
 * A few real npm packages with interesting maps, installed once per machine and reused.
 * async-function loads require.mjs where Node has the "module-sync" condition, index.js elsewhere.
 */
export const REAL_PACKAGES: Record<string, string> = {
  uuid: '9.0.1',
  nanoid: '3.3.7',
  chalk: '5.3.0',
  semver: '7.6.3',
  preact: '10.24.3',
  'async-function': '1.0.0',
};

/** Installs {@link REAL_PACKAGES} from the npm registry with arborist into a cached temp folder. */
export async function installRealPackages(): Promise<string> {
  const key = Object.entries(REAL_PACKAGES).map(([n, v]) => `${n}@${v}`).join('_').replace(/[^a-z0-9_.-]/gi, '');
  const target = path.join(os.tmpdir(), `multiverse-real-packages-${key}`);
  await buildOnce(target, 'package-lock.json', async (staging) => {
    await writeFile(path.join(staging, 'package.json'), JSON.stringify({ name: 'real-packages', private: true, dependencies: REAL_PACKAGES }));
    await new Arborist({ path: staging, preferOffline: true }).reify({ save: true });
  });
  return target;
}
