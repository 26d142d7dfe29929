import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { demoTests } from './demo-tests';
import { hostTests, restrictedModeTests } from './tests';

export interface HostTestResult {
  name: string;
  passed: boolean;
  error?: string;
}

/**
 * Entry point loaded by VS Code through `extensionTestsPath`: runs inside the real extension host,
 * beside the extension under development, and writes one result per test to the file named by
 * MULTIVERSE_E2E_RESULT (the workbench closes when this settles, so the file is the only channel).
 * MULTIVERSE_E2E_SUITE=restricted runs the tests for a workspace opened in Restricted Mode instead,
 * MULTIVERSE_E2E_SUITE=demo those for the demo app.
 */
export async function run(): Promise<void> {
  const resultFile = process.env.MULTIVERSE_E2E_RESULT;
  if (!resultFile) throw new Error('MULTIVERSE_E2E_RESULT is not set: the host tests have nowhere to write their results');
  const results: HostTestResult[] = [];
  const suites: Record<string, typeof hostTests> = { trusted: hostTests, restricted: restrictedModeTests, demo: demoTests };
  const suite = suites[process.env.MULTIVERSE_E2E_SUITE ?? 'trusted'];
  if (!suite) throw new Error(`MULTIVERSE_E2E_SUITE=${process.env.MULTIVERSE_E2E_SUITE ?? ''} names no suite; known: ${Object.keys(suites).join(', ')}`);
  for (const [name, body] of Object.entries(suite)) {
    try {
      await body(vscode);
      results.push({ name, passed: true });
    } catch (error) {
      results.push({ name, passed: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  writeFileSync(resultFile, JSON.stringify(results, null, 2));
}
