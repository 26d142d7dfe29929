import assert from 'node:assert/strict';
import { chmod, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { MarkupContent, Position } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { MultiverseServer, projectNode, RecordingHost } from './support/lsp';
import { installRealPackages } from './support/resolver-project';
import { tempDir, writeFiles } from './support/workspace';

// The answers follow the Node that runs the project, not the editor's. The real async-function
// (from the npm registry) exports require.mjs under "module-sync", which Node has from 20.19 and
// 22.12, and index.js otherwise.

const SOURCE = "const asyncFunction = require('async-function');\n";
let project: string;
const dirs: string[] = [];

before(async () => {
  const real = await installRealPackages();
  project = await tempDir('lsp-node');
  dirs.push(project);
  await writeFiles(project, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'async-function': '1.0.0' } }, 'src/app.js': SOURCE });
  await cp(path.join(real, 'node_modules', 'async-function'), path.join(project, 'node_modules', 'async-function'), { recursive: true });
});
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function hoverWith(node: { path?: string; version?: string }): Promise<{ text: string; server: MultiverseServer }> {
  const server = new MultiverseServer(new RecordingHost());
  server.initialize({ processId: null, rootUri: null, capabilities: {}, workspaceFolders: [{ uri: URI.file(project).toString(), name: 'app' }], initializationOptions: { node } });
  await server.initialized();
  await server.settled();
  const uri = URI.file(path.join(project, 'src', 'app.js')).toString();
  server.didOpen({ textDocument: { uri, languageId: 'javascript', version: 1, text: SOURCE } });
  const hover = await server.hover({ textDocument: { uri }, position: positionOf(SOURCE, "'async-function'") });
  assert.ok(hover, 'expected a hover');
  return { text: (hover.contents as MarkupContent).value, server };
}

function positionOf(text: string, needle: string): Position {
  return TextDocument.create('file:///x', 'javascript', 1, text).positionAt(text.indexOf(needle) + 1);
}

test('a hover on require("async-function") names require.mjs on Node 24 and index.js on a Node without "module-sync"', async () => {
  const on24 = await hoverWith({ version: '24.22.3' });
  assert.match(on24.text, /async-function\/require\.mjs\]\(file:/);
  assert.match(on24.text, /Node 24\.22\.3 · require · conditions require, module-sync, node, node-addons$/);
  const folders = (await on24.server.conflicts({})).folders;
  assert.equal(folders[0]?.node.source, 'setting multiverse.node.version');

  const older = await hoverWith({ version: '20.18.0' });
  assert.match(older.text, /async-function\/index\.js\]\(file:/);
  assert.match(older.text, /Node 20\.18\.0 · require · conditions require, node, node-addons$/);

  // A changed setting applies to the next answer.
  older.server.didChangeConfiguration({ settings: { multiverse: { node: { version: '22.12.0' } } } });
  await older.server.settled();
  const uri = URI.file(path.join(project, 'src', 'app.js')).toString();
  const hover = await older.server.hover({ textDocument: { uri }, position: positionOf(SOURCE, "'async-function'") });
  assert.match((hover?.contents as MarkupContent).value, /require\.mjs\]/);
});

test('multiverse.node.path runs that executable for its version', async () => {
  const { text, server } = await hoverWith({ path: process.execPath });
  assert.match(text, new RegExp(`Node ${process.versions.node.replaceAll('.', '\\.')} · require`));
  // Every Node line this runs on has require(esm): the "module-sync" entry.
  assert.match(text, /require\.mjs\]/);
  assert.equal((await server.conflicts({})).folders[0]?.node.source, `setting multiverse.node.path (${process.execPath})`);
});

test('without settings: the node on the PATH, asked from the project folder; hints are reported against it', async () => {
  const bin = await tempDir('lsp-node-bin');
  dirs.push(bin);
  // A stand-in for a version manager's shim: answers with a version of its own.
  await writeFile(path.join(bin, 'node'), '#!/bin/sh\necho v20.18.1\n');
  await chmod(path.join(bin, 'node'), 0o755);
  const dir = await tempDir('lsp-node-hints');
  dirs.push(dir);
  await writeFiles(dir, { 'package.json': { name: 'hinted', engines: { node: '>=20.17' }, volta: { node: '22.12.0' } }, '.nvmrc': 'lts/jod\n', '.node-version': 'system\n' });
  const found = await projectNode.detectProjectNode(dir, {}, { PATH: bin });
  assert.equal(found.version, '20.18.1');
  assert.equal(found.source, `node on the PATH (${path.join(bin, 'node')})`);
  assert.deepEqual(found.hints, [
    { source: 'package.json volta.node', value: '22.12.0', satisfied: false },
    { source: '.node-version', value: 'system', satisfied: null },
    { source: '.nvmrc', value: 'lts/jod', satisfied: false },
    { source: 'package.json engines.node', value: '>=20.17', satisfied: true },
  ]);

  // No node on the PATH: the first hint that names a version.
  const empty = path.join(dir, 'empty-bin');
  await mkdir(empty);
  const hinted = await projectNode.detectProjectNode(dir, {}, { PATH: empty });
  assert.equal(hinted.version, '22.12.0');
  assert.equal(hinted.source, 'package.json volta.node (no node on the PATH)');
  await writeFiles(dir, { 'package.json': { name: 'hinted' } });
  assert.equal((await projectNode.detectProjectNode(dir, {}, { PATH: empty })).version, '22', '.nvmrc lts/jod names the Node 22 line');

  // A setting that cannot be used says why, and the next source answers.
  const broken = await projectNode.detectProjectNode(dir, { path: path.join(dir, 'no-such-node'), version: 'soon' }, { PATH: bin });
  assert.equal(broken.version, '20.18.1');
  assert.equal(broken.problems?.length, 2);
  assert.match(broken.problems?.[0] ?? '', /multiverse\.node\.path .*no-such-node: .*ENOENT/);
  assert.match(broken.problems?.[1] ?? '', /multiverse\.node\.version: "soon" is not a Node version/);
});
