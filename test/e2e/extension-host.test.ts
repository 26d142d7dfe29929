import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../support/paths';
import { startCodeServer, type CodeServer } from './code-server';
import type { HostTestResult } from './host/index';
import { Workbench } from './workbench';

let workspace: string;
let resultFile: string;
let server: CodeServer;
let results: HostTestResult[];

/**
 * Loads the extension from source (extensionDevelopmentPath) and runs out/test/e2e/host in the
 * real extension host (extensionTestsPath): VS Code's own test route, driven through code-server's
 * workbench URL payload since desktop VS Code cannot be downloaded here.
 */
before(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'multiverse-e2e-host-'));
  await writeFile(path.join(workspace, 'package.json'), JSON.stringify({ name: 'host-app', version: '1.0.0' }, null, 2));
  resultFile = path.join(workspace, '..', `${path.basename(workspace)}-results.json`);
  server = await startCodeServer({ workspace, env: { MULTIVERSE_E2E_RESULT: resultFile } });
  const remote = (file: string): string => `vscode-remote://127.0.0.1:${server.port}${file}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(repoRoot)],
    ['extensionTestsPath', remote(path.join(repoRoot, 'out', 'test', 'e2e', 'host', 'index.js'))],
  ]);
  const workbench = await Workbench.open(`${server.url}&payload=${encodeURIComponent(payload)}`, { waitForExplorer: false });
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        results = JSON.parse(await readFile(resultFile, 'utf8')) as HostTestResult[];
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`the extension host tests wrote no results within 90 s; code-server said:\n${server.log()}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await workbench.close();
  }
});

after(async () => {
  await server?.stop();
  await rm(workspace, { recursive: true, force: true });
  await rm(resultFile, { force: true });
});

test('the extension-host tests pass in a real VS Code', async (t) => {
  assert.ok(results.length > 0, 'no extension-host tests ran');
  for (const result of results) {
    await t.test(result.name, () => {
      if (!result.passed) assert.fail(result.error ?? 'failed without an error');
    });
  }
});
