import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { version } from 'multiverse';
import type { MarkupContent } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { MultiverseServer, RecordingHost } from './support/lsp';
import { tempDir, writeFiles } from './support/workspace';

const SOURCE = "const fs = require('node:fs');\nconst lib = require('fixture-lib');\n";

/** A folder whose program would load `multiverse@<installed>` from its node_modules. */
async function folderWithRuntime(installed: string): Promise<string> {
  const dir = await tempDir('runtime-version');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { multiverse: installed, 'fixture-lib': '1.0.0' } },
    'node_modules/multiverse/package.json': { name: 'multiverse', version: installed, main: 'index.js' },
    'node_modules/multiverse/index.js': '',
    'node_modules/fixture-lib/package.json': { name: 'fixture-lib', version: '1.0.0', main: 'index.js' },
    'node_modules/fixture-lib/index.js': '',
    'src/app.js': SOURCE,
  });
  return dir;
}

async function hoverText(server: MultiverseServer, dir: string): Promise<string> {
  const uri = URI.file(path.join(dir, 'src', 'app.js')).toString();
  server.didOpen({ textDocument: { uri, languageId: 'javascript', version: 1, text: SOURCE } });
  const hover = await server.hover({ textDocument: { uri }, position: { line: 1, character: SOURCE.split('\n')[1]?.indexOf('fixture-lib') ?? 0 } });
  assert.ok(hover, 'expected a hover on the import');
  return (hover.contents as MarkupContent).value;
}

test('a folder that runs another multiverse than the server is told once, in the output and to the status bar, and hovers name its version', async () => {
  const skewed = await folderWithRuntime('0.0.1');
  const matching = await folderWithRuntime(version);
  const host = new RecordingHost();
  const server = new MultiverseServer(host);
  const folders = [skewed, matching].map((dir) => ({ uri: URI.file(dir).toString(), name: path.basename(dir) }));
  server.initialize({ processId: null, rootUri: null, capabilities: {}, workspaceFolders: folders });
  await server.initialized();
  await server.settled();

  assert.deepEqual(
    host.runtimeVersions.map((r) => [r.folder, r.workspace, r.bundled]),
    [[folders[0]?.uri, '0.0.1', version]],
    'only the folder with another version is reported',
  );
  assert.match(host.runtimeVersions[0]?.message ?? '', new RegExp(`runs multiverse 0\\.0\\.1 \\(${path.join(skewed, 'node_modules', 'multiverse', 'package.json').replace(/[.\\/]/g, '\\$&')}\\).*bundled multiverse ${version.replace(/\./g, '\\.')}`));
  assert.equal(host.logs.filter((line) => line.includes('runs multiverse 0.0.1')).length, 1, 'the output says it once');

  assert.match(await hoverText(server, skewed), /This project runs multiverse 0\.0\.1; the editor resolved this with its bundled multiverse/);
  assert.doesNotMatch(await hoverText(server, matching), /This project runs multiverse/);

  // Another analysis of the same folder and version says nothing new.
  server.didChangeWatchedFiles({ changes: [{ uri: URI.file(path.join(skewed, 'package.json')).toString(), type: 2 }] });
  await server.settled();
  assert.equal(host.runtimeVersions.length, 1);
  server.shutdown();
});
