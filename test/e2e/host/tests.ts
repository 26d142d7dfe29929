import assert from 'node:assert/strict';
import type * as vscode from 'vscode';

type Vscode = typeof vscode;

const EXTENSION_ID = 'multiverse-dev.multiverse';

async function activeExtension(api: Vscode): Promise<vscode.Extension<unknown>> {
  const extension = api.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded in the extension host`);
  await extension.activate();
  return extension;
}

/** Tests that run inside the real extension host, in order. */
export const hostTests: Record<string, (api: Vscode) => Promise<void>> = {
  async 'the extension activates in a folder with a package.json'(api) {
    const extension = await activeExtension(api);
    assert.equal(extension.isActive, true);
  },
  async 'its commands are registered'(api) {
    await activeExtension(api);
    const commands = await api.commands.getCommands(true);
    for (const id of ['multiverse.restartServer', 'multiverse.showOutput']) assert.ok(commands.includes(id), `${id} is not registered`);
  },
  async 'the server restarts on command'(api) {
    await activeExtension(api);
    await api.commands.executeCommand('multiverse.restartServer');
  },
};
