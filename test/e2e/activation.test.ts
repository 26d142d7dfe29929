import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../support/paths';
import { startCodeServer, type CodeServer } from './code-server';
import { Workbench } from './workbench';

let workspace: string;
let server: CodeServer;
let workbench: Workbench;

before(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'multiverse-e2e-ws-'));
  await writeFile(path.join(workspace, 'package.json'), JSON.stringify({ name: 'e2e-app', version: '1.0.0' }, null, 2));
  server = await startCodeServer({ workspace, vsix: path.join(repoRoot, 'multiverse.vsix') });
  workbench = await Workbench.open(server.url);
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  await rm(workspace, { recursive: true, force: true });
});

test('the packaged extension activates on a folder with a package.json and starts its language server', async () => {
  await workbench.runCommand('Multiverse: Show Output');
  const output = await workbench.waitForOutput(/Multiverse server \d+\.\d+\.\d+ starting with 1 workspace folder/);
  await workbench.screenshot('activation-output');
  assert.match(output, /Multiverse server/);
});
