import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../../support/paths';
import { prepareDemoWorkspace } from '../demo-workspace';
import type { HostTestResult } from '../host/index';

/**
 * `npm run test:electron`: the demo suite of the extension-host tests (host/demo-tests.ts) in
 * desktop VS Code, for machines that can download it: @vscode/test-electron fetches VS Code from
 * Microsoft's update server when this runs (never at install time), which the offline CI machines
 * cannot reach, so CI runs the same tests in code-server instead (extension-host.test.ts).
 */
async function main(): Promise<void> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'multiverse-electron-'));
  try {
    const app = await prepareDemoWorkspace(parent);
    const resultFile = path.join(parent, 'results.json');
    await runTests({
      // The VS Code inside code-server 4.100.3, so both routes test the same editor.
      version: '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'e2e', 'host', 'index.js'),
      extensionTestsEnv: { MULTIVERSE_E2E_RESULT: resultFile, MULTIVERSE_E2E_SUITE: 'demo' },
      launchArgs: [app, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${path.join(parent, 'user-data')}`],
    });
    const results = JSON.parse(await readFile(resultFile, 'utf8')) as HostTestResult[];
    for (const result of results) process.stdout.write(`${result.passed ? 'ok' : 'FAILED'}  ${result.name}${result.error ? `\n${result.error}` : ''}\n`);
    if (results.length === 0 || results.some((r) => !r.passed)) process.exitCode = 1;
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run test:electron: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
