import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { InitializeResult } from 'vscode-languageserver';
import { repoRoot } from './support/paths';

test('dist/server.js speaks LSP over stdio and names itself', async () => {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  try {
    const result = await connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    assert.equal(result.serverInfo?.name, 'multiverse');
    assert.match(result.serverInfo?.version ?? '', /^\d+\.\d+\.\d+$/);
    await connection.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await connection.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    connection.dispose();
    child.kill();
  }
});
