import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { repoRoot } from './support/paths';

const run = promisify(execFile);

test('the .vsix holds only the bundles, the manifest, README, CHANGELOG, LICENSE and media', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'multiverse-vsix-'));
  try {
    const vsix = path.join(dir, 'multiverse.vsix');
    const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    // The flags of `npm run package`: a manifest or README that vsce refuses fails here too.
    await run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: repoRoot });
    const { stdout } = await run('python3', ['-m', 'zipfile', '-l', vsix]);
    const files = stdout
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s{2,}/)[0]?.trim() ?? '')
      .filter((f) => f.startsWith('extension/'))
      .map((f) => f.slice('extension/'.length))
      .sort();
    for (const file of files) {
      assert.match(file, /^(dist\/(client|server)\.js|dist\/multiverse\.schema\.json|package\.json|readme\.md|changelog\.md|LICENSE\.txt|media\/.+)$/, `unexpected file in the package: ${file}`);
    }
    for (const required of ['dist/client.js', 'dist/server.js', 'dist/multiverse.schema.json', 'package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'media/icon.png']) {
      assert.ok(files.includes(required), `${required} missing from the package (got ${files.join(', ')})`);
    }
    for (const referenced of manifestFiles()) {
      assert.ok(files.includes(referenced), `the manifest refers to ${referenced}, which is not in the package`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Every file the manifest points at: the icon, view container and view icons, JSON schemas. */
function manifestFiles(): string[] {
  interface Manifest {
    icon?: string;
    contributes?: {
      jsonValidation?: { url: string }[];
      viewsContainers?: Record<string, { icon?: string }[]>;
      views?: Record<string, { icon?: string }[]>;
    };
  }
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const contributes = manifest.contributes ?? {};
  const paths = [
    manifest.icon,
    ...(contributes.jsonValidation ?? []).map((v) => v.url),
    ...Object.values(contributes.viewsContainers ?? {}).flatMap((list) => list.map((c) => c.icon)),
    ...Object.values(contributes.views ?? {}).flatMap((list) => list.map((v) => v.icon)),
  ];
  return [...new Set(paths.filter((p): p is string => p !== undefined && !/^[a-z]+:/.test(p)).map((p) => p.replace(/^\.\//, '')))];
}

const runtimeDir = path.join(repoRoot, 'runtime');

interface RuntimeManifest {
  version: string;
  repository: { url: string; directory?: string };
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
}

test('the runtime package ships dist (JavaScript, declarations, maps with their sources), bin, the schema, README, LICENSE and CHANGELOG: nothing else', async () => {
  // The list npm would publish, from the build `npm test` made (`npm run pack` rebuilds it clean first).
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: runtimeDir, maxBuffer: 16 * 1024 * 1024 });
  const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path).sort() ?? [];
  for (const file of files) {
    assert.match(file, /^(dist\/.+\.(js|d\.ts|js\.map)|bin\/multiverse\.js|schema\/multiverse\.schema\.json|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/, `unexpected file in the runtime package: ${file}`);
  }
  for (const required of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/multiverse.js', 'schema/multiverse.schema.json', 'dist/index.js', 'dist/index.d.ts', 'dist/tooling.js', 'dist/tooling.d.ts']) {
    assert.ok(files.includes(required), `${required} missing from the runtime package`);
  }
  for (const map of files.filter((f) => f.endsWith('.map'))) {
    const parsed = JSON.parse(readFileSync(path.join(runtimeDir, map), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    assert.equal(parsed.sourcesContent?.filter((c) => typeof c === 'string').length, parsed.sources.length, `${map} points at sources the package does not ship and carries none`);
  }
  // Every entry point the manifest names is in the package, with its types.
  const manifest = JSON.parse(readFileSync(path.join(runtimeDir, 'package.json'), 'utf8')) as RuntimeManifest;
  const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.default]));
  for (const target of [...targets, ...Object.values(manifest.bin)]) assert.ok(files.includes(target.replace(/^\.\//, '')), `the manifest points at ${target}, which is not in the package`);
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target !== 'string') assert.ok(existsSync(path.join(runtimeDir, target.types)), `${subpath} has no declarations`);
  }
  assert.match(manifest.repository.url, /github\.com\/multiverse-dev\/multiverse\.git$/);
  const root = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as RuntimeManifest;
  assert.equal(root.repository.url.replace(/^git\+/, ''), manifest.repository.url.replace(/^git\+/, ''), 'the extension and the runtime name the same repository');
  assert.match(readFileSync(path.join(runtimeDir, 'CHANGELOG.md'), 'utf8'), new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}\\b`, 'm'), 'the CHANGELOG has an entry for the version');
});

test('npm publish --dry-run of the runtime needs no corrections to its manifest', async () => {
  // An unreachable registry: a dry run uploads nothing, and this checks only what npm says about the manifest.
  const { stderr } = await run('npm', ['publish', '--dry-run', '--ignore-scripts', '--registry', 'http://127.0.0.1:9/', '--fetch-retries=0'], { cwd: runtimeDir, maxBuffer: 16 * 1024 * 1024 });
  // Without credentials npm warns that a real publish would need a login; any other warning is about the package.
  const warnings = stderr.split('\n').filter((line) => /^npm warn/.test(line) && !/requires you to be logged in/.test(line));
  assert.deepEqual(warnings, []);
});
