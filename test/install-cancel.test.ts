import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { installProject, installTree, type ProgressEvent } from 'multiverse/tooling';
import { closeFixtureWorkspace, makeProject, nodeEval, openFixtureWorkspace } from './support/project';
import type { FixtureRegistry } from './support/registry';

let registry: FixtureRegistry;
let workDir: string;

before(async () => ({ registry, workDir } = await openFixtureWorkspace('multiverse-install-cancel-test-')));
after(() => closeFixtureWorkspace({ registry, workDir }));

/** Every file under `dir` with its contents: the whole installed state, to compare before and after. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = await readFile(file, 'utf8');
  }
  return files;
}

function isCancellation(label: string, step: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'AbortError');
    assert.equal((error as Error & { code?: string }).code, 'ABORT_ERR');
    assert.match(error.message, new RegExp(`^Installing ${label} was cancelled while ${step.source}; nothing installed before was changed\\.$`));
    return true;
  };
}

// A generous ceiling, not a measurement: without prompt cancellation the install waits for the held
// tarballs forever, and the test must then fail instead of hanging the suite.
test('cancelling while tarballs are fetched stops the install at once and keeps the previous tree and map', { timeout: 60_000 }, async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': JSON.stringify({ namespaces: { legacy: { dependencies: { 'fixture-lib': '^1.0.0' } } } }) });
  await installProject(project);
  const multiverse = path.join(project, '.multiverse');
  const before = await snapshot(multiverse);

  // New dependencies, fetched from the registry even if a cache has them: `npm test` points every
  // install at the user's npm cache (npm_config_cache), where other tests leave these tarballs.
  await appendFile(path.join(project, '.npmrc'), 'prefer-online=true\n');
  await writeFile(path.join(project, 'multiverse.json'), JSON.stringify({ namespaces: { legacy: { dependencies: { 'fixture-lib': '2.0.0', 'fixture-esm': '1.0.0' } } } }));
  const held = registry.hold('tarballs');
  const controller = new AbortController();
  const events: ProgressEvent[] = [];
  const install = installProject(project, { signal: controller.signal, onProgress: (_ns, event) => events.push(event) });
  await held.requested;
  controller.abort();
  // The tarballs are still held: the install can only end here if cancelling stopped the fetch.
  await assert.rejects(install, isCancellation('namespace "legacy"', /fetching and extracting packages/));
  held.release();

  assert.deepEqual(await snapshot(multiverse), before, 'tree, lockfile, fingerprint, store and map.json are as they were');
  assert.deepEqual(events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]), ['resolving', 'installing', 'failed']);
  assert.match(events.at(-1)?.message ?? '', /was cancelled while fetching/);
  assert.equal(await nodeEval(path.join(multiverse, 'legacy'), 'console.log(require("fixture-lib").version)'), '1.0.0');

  // Nothing was left half-done: the same install, not cancelled, goes through.
  await installProject(project);
  assert.equal(await nodeEval(path.join(multiverse, 'legacy'), 'console.log(require("fixture-lib").version)'), '2.0.0');
});

test('cancelling while dependencies are resolved stops the install before anything is fetched', { timeout: 60_000 }, async () => {
  const project = await makeProject(workDir, registry.url, { 'multiverse.json': JSON.stringify({ namespaces: { fresh: { dependencies: { 'fixture-esm': '1.0.0' } } } }) });
  const held = registry.hold('packuments');
  const controller = new AbortController();
  const install = installProject(project, { signal: controller.signal });
  assert.equal(await held.requested, 'fixture-esm');
  controller.abort();
  // The packument is still held: the install can only end here if cancelling stopped resolving.
  await assert.rejects(install, isCancellation('namespace "fresh"', /resolving/));
  held.release();
  assert.deepEqual(await readdir(path.join(project, '.multiverse')), [], 'no tree, no staging folder, no map.json');
});

test('an install whose signal is already aborted touches nothing and says so', async () => {
  const project = await makeProject(workDir, registry.url);
  const dir = path.join(project, 'tree');
  await assert.rejects(
    installTree({ dir, dependencies: { 'fixture-lib': '^1.0.0' }, projectDir: project, signal: AbortSignal.abort() }),
    isCancellation('tree', /starting/),
  );
  assert.deepEqual((await readdir(project)).sort(), ['.npmrc']);
});
