import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { repoRoot } from '../support/paths';
import { startFixtureRegistry, type FixtureRegistry } from '../support/registry';
import { writeFiles } from '../support/workspace';
import { startCodeServer, type CodeServer } from './code-server';
import { prepareDemoWorkspace } from './demo-workspace';
import type { HostTestResult } from './host/index';
import { Workbench } from './workbench';

let workDir: string;
let registry: FixtureRegistry;

before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'multiverse-e2e-host-'));
  registry = await startFixtureRegistry();
});

after(async () => {
  await registry?.close();
  await rm(workDir, { recursive: true, force: true });
});

/**
 * Loads the extension from source (extensionDevelopmentPath) and runs out/test/e2e/host in the
 * real extension host (extensionTestsPath) on a fresh copy of the conflicted workspace: VS Code's
 * own test route, driven through code-server's workbench URL payload since desktop VS Code cannot
 * be downloaded here. `suite` picks the tests (see host/index.ts); `restricted` opens the folder
 * in Restricted Mode; `demo` opens the demo app (see demo-workspace.ts) instead.
 */
async function runHostSuite(suite: 'trusted' | 'restricted' | 'demo'): Promise<HostTestResult[]> {
  const dir = path.join(workDir, suite);
  const workspace = suite === 'demo' ? await prepareDemoWorkspace(dir) : await conflictedWorkspace(dir, registry.url);
  const resultFile = path.join(dir, 'results.json');
  const server: CodeServer = await startCodeServer({ workspace, restricted: suite === 'restricted', extensionDevelopment: true, env: { MULTIVERSE_E2E_RESULT: resultFile, MULTIVERSE_E2E_SUITE: suite } });
  try {
    const remote = (file: string): string => `vscode-remote://127.0.0.1:${server.port}${file}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(path.join(repoRoot, 'out', 'test', 'e2e', 'host', 'index.js'))],
    ]);
    const workbench = await Workbench.open(`${server.url}&payload=${encodeURIComponent(payload)}`, { waitForExplorer: false });
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        try {
          return JSON.parse(await readFile(resultFile, 'utf8')) as HostTestResult[];
        } catch {
          if (Date.now() > deadline) throw new Error(`the ${suite} extension host tests wrote no results within 120 s; code-server said:\n${server.log()}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    } finally {
      await workbench.close();
    }
  } finally {
    await server.stop();
  }
}

async function report(t: TestContext, results: HostTestResult[]): Promise<void> {
  assert.ok(results.length > 0, 'no extension-host tests ran');
  for (const result of results) {
    await t.test(result.name, () => {
      if (!result.passed) assert.fail(result.error ?? 'failed without an error');
    });
  }
}

test('the extension-host tests pass in a real VS Code', async (t) => report(t, await runHostSuite('trusted')));

test('on the demo app: diagnostics, hovers, commands and views through the VS Code API', async (t) => report(t, await runHostSuite('demo')));

test('in Restricted Mode the views work and installing, isolating and running are refused', async (t) => report(t, await runHostSuite('restricted')));

/**
 * A project with something in every view: package.json wants fixture-lib ^2.0.0 but 1.0.0 is
 * installed (an invalid edge: a conflict), multiverse.json declares a namespace that is not
 * installed and the same extension in a worker and in a process. Its .npmrc points at the fixture registry, so isolating installs
 * without the network. The runtime the extension loads to run it is this repo's,
 * linked into node_modules one level above the project, so the project's own tree stays as written.
 */
async function conflictedWorkspace(dir: string, registryUrl: string): Promise<string> {
  const project = path.join(dir, 'app');
  const files: Record<string, string> = {
    '.npmrc': `registry=${registryUrl}\ncache=${path.join(dir, 'npm-cache')}\nfetch-retries=0\n`,
    'package.json': JSON.stringify({ name: 'host-app', version: '1.0.0', dependencies: { 'fixture-lib': '^2.0.0' } }, null, 2),
    'node_modules/fixture-lib/package.json': JSON.stringify({ name: 'fixture-lib', version: '1.0.0', main: 'index.js' }),
    'node_modules/fixture-lib/index.js': "module.exports = { version: '1.0.0' };\n",
    'multiverse.json': JSON.stringify(
      {
        namespaces: { legacy: { dependencies: { 'fixture-peer': '1.0.0' } } },
        extensions: { calc: { path: 'extensions/calc', isolation: 'worker' }, 'calc-process': { path: 'extensions/calc', isolation: 'process' } },
      },
      null,
      2,
    ),
    'extensions/calc/index.js': "const { ExtensionBase } = require('multiverse');\nmodule.exports = class Calc extends ExtensionBase {\n  add(a, b) { return a + b; }\n};\n",
  };
  await writeFiles(project, files);
  await mkdir(path.join(dir, 'node_modules'), { recursive: true });
  await symlink(path.join(repoRoot, 'runtime'), path.join(dir, 'node_modules', 'multiverse'), 'dir');
  return project;
}
