import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './support/paths';

const run = promisify(execFile);

test('the .vsix holds only the bundles, the manifest, README, LICENSE and media', async () => {
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const { stdout } = await run(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: repoRoot });
  const files = stdout.trim().split('\n').map((f) => f.trim()).sort();
  for (const file of files) {
    assert.match(file, /^(dist\/(client|server)\.js|package\.json|README\.md|LICENSE|media\/.+)$/, `unexpected file in the package: ${file}`);
  }
  for (const required of ['dist/client.js', 'dist/server.js', 'package.json', 'README.md', 'LICENSE', 'media/icon.png']) {
    assert.ok(files.includes(required), `${required} missing from the package (got ${files.join(', ')})`);
  }
});
