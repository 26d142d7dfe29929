import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './support/paths';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'runtime', 'bin', 'multiverse.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('--help lists the commands and the exit codes', async () => {
  const { code, stdout } = await cli('--help');
  assert.equal(code, 0);
  assert.match(stdout, /Usage: multiverse <command>/);
  assert.match(stdout, /validate-name/);
  assert.match(stdout, /Exit codes: 0 clean, 1 findings, 2 usage or input errors/);
});

test('--version prints the runtime package version', async () => {
  const { code, stdout } = await cli('--version');
  assert.equal(code, 0);
  assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
});

test('an unknown command exits 2 and says how to get help', async () => {
  const { code, stderr } = await cli('frobnicate');
  assert.equal(code, 2);
  assert.match(stderr, /unknown command "frobnicate"/);
});

test('validate-name exits 0 on a valid name and 2 on an invalid one', async () => {
  const ok = await cli('validate-name', 'legacy', '--json');
  assert.equal(ok.code, 0);
  assert.deepEqual(JSON.parse(ok.stdout), { name: 'legacy', kind: 'namespace', valid: true });
  const bad = await cli('validate-name', '../etc', '--kind', 'extension');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid extension name "\.\.\/etc"/);
  const unknownOption = await cli('validate-name', 'x', '--colour');
  assert.equal(unknownOption.code, 2);
});
