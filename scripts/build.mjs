// Builds everything: `tsc -b` typechecks the whole repo and emits runtime/dist (with declarations),
// then esbuild bundles the extension (dist/client.js) and the language server (dist/server.js).
// `--runtime` builds only the runtime package, from scratch: what `npm pack` of runtime/ ships.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
// npm runs the runtime's prepack in runtime/; every path below is relative to the repository root
// (esbuild takes its working directory when it is imported, so it is told too).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(repoRoot);
const production = process.argv.includes('--production');
const runtimeOnly = process.argv.includes('--runtime');
// `--outdir <dir>` writes the bundles elsewhere (the server benchmark measures the production bundle
// without replacing the development one in dist/).
const outdirFlag = process.argv.indexOf('--outdir');
const outdir = outdirFlag === -1 ? 'dist' : process.argv[outdirFlag + 1];

if (runtimeOnly) {
  // A clean build, so a module deleted from src/ never lingers in the package.
  rmSync('runtime/dist', { recursive: true, force: true });
  rmSync('out/runtime', { recursive: true, force: true });
}
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', ...(runtimeOnly ? ['runtime'] : [])], { stdio: 'inherit' });
} catch {
  console.error('build: TypeScript reported errors (above); nothing was bundled.');
  process.exit(1);
}

const common = {
  absWorkingDir: repoRoot,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's "main" is a UMD build whose inner requires esbuild cannot follow; its ESM build bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

// Isolated extensions start from these: one file loads faster than the ~17 modules tsc emits.
const childBundles = ['worker-main', 'process-main'].map((entry) =>
  esbuild.build({ ...common, entryPoints: [`runtime/src/extensions/child/${entry}.ts`], outfile: `runtime/dist/extensions/child/${entry}.bundle.js` }),
);
if (runtimeOnly) {
  await Promise.all(childBundles);
  process.exit(0);
}

await Promise.all([
  ...childBundles,
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: `${outdir}/client.js`, external: ['vscode'] }),
  // The server bundles arborist; run-script's require.resolve of node-gyp only runs for install
  // scripts, which the server never runs. The namespace loader's import(url, options) loads user
  // files from disk at run time and must stay a real dynamic import, which is what esbuild warns of.
  esbuild.build({
    ...common,
    entryPoints: ['server/src/main.ts'],
    outfile: `${outdir}/server.js`,
    external: ['node-gyp/bin/node-gyp.js'],
    logOverride: { 'unsupported-dynamic-import': 'silent' },
  }),
]);

// The extension registers the multiverse.json schema (contributes.jsonValidation), and the packaged
// extension holds only dist/: the schema ships there too, the same file the runtime package exports.
copyFileSync('runtime/schema/multiverse.schema.json', `${outdir}/multiverse.schema.json`);
