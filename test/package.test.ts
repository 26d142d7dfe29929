import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { repoRoot } from './support/paths';

const run = promisify(execFile);

test('the .vsix holds only the bundles, the manifest, README, LICENSE and media', async () => {
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
      assert.match(file, /^(dist\/(client|server)\.js|dist\/multiverse\.schema\.json|package\.json|readme\.md|LICENSE\.txt|media\/.+)$/, `unexpected file in the package: ${file}`);
    }
    for (const required of ['dist/client.js', 'dist/server.js', 'dist/multiverse.schema.json', 'package.json', 'readme.md', 'LICENSE.txt', 'media/icon.png']) {
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
