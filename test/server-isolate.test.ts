import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { CodeAction, Command, Hover, MarkupContent, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { loadProject } from 'multiverse';
import { installTree } from 'multiverse/tooling';
import { protocol } from './support/lsp';
import { StdioClient } from './support/lsp-client';
import { cli } from './support/project';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';
import { installWith, tempDir, writeFiles } from './support/workspace';

// The editor's isolation, driven over stdio by an independent JSON-RPC client that behaves as a
// plain LSP editor would (Neovim, Helix): it applies a code action's edit to its buffers without
// saving, then sends the action's command. No VS Code, no client-side help.

let registry: FixtureRegistry;
before(async () => {
  registry = await startFixtureRegistry();
});
after(() => registry.close());

/** fixture-peer wants fixture-lib@1 as a peer, the app has fixture-lib@2; fixture-peer is listed twice. */
const MANIFEST = '{\n  "name": "app",\n  "version": "1.0.0",\n  "dependencies": {\n    "fixture-lib": "^2.0.0",\n    "fixture-peer": "^1.0.0"\n  },\n  "devDependencies": {\n    "fixture-peer": "^1.0.0"\n  }\n}\n';

/** A project installed as npm --force leaves it: the peer conflict is in node_modules. */
async function conflictedApp(): Promise<string> {
  const dir = await tempDir('isolate-stdio');
  await writeFiles(dir, { 'package.json': MANIFEST, '.npmrc': `registry=${registry.url}\n` });
  await installWith(dir, registry.url, { force: true });
  return dir;
}

function at(document: TextDocument, needle: string, from = 0): Range {
  const offset = document.getText().indexOf(needle, from);
  assert.ok(offset >= 0, `${needle} is not in ${document.uri}`);
  const position = document.positionAt(offset + 1);
  return { start: position, end: position };
}

function action(actions: (CodeAction | Command)[] | null, title: string): CodeAction {
  const found = (actions ?? []).find((a): a is CodeAction => a.title === title && 'kind' in a);
  assert.ok(found, `no "${title}" among ${(actions ?? []).map((a) => a.title).join(', ')}`);
  return found;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

test('over stdio, a plain editor isolates in one step: the server saves the edit, installs the namespace and removes the main-tree copy, byte for byte as multiverse isolate does', async () => {
  const dir = await conflictedApp();
  const twin = await conflictedApp();
  const isolated = await cli(twin, 'isolate', 'fixture-peer');
  assert.equal(isolated.code, 0, isolated.stderr);

  const client = new StdioClient();
  try {
    await client.initialize(URI.file(dir).toString());
    const manifest = path.join(dir, 'package.json');
    const manifestUri = URI.file(manifest).toString();
    // One conflict, one diagnostic: on the entry that causes it, the other entry as related information at its exact range.
    const [peer, ...others] = await client.diagnosticsFor(manifestUri, (d) => d.length > 0);
    assert.equal(others.length, 0);
    assert.deepEqual([peer?.code, peer?.range.start.line, peer?.range.start.character, peer?.range.end.character], ['peer', 8, 4, 28]);
    assert.deepEqual(peer?.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.location.range.start.character, r.location.range.end.character, r.message]), [
      [manifestUri, 4, 4, 27, 'also: package.json dependencies.fixture-lib'],
    ]);

    const document = await client.open(manifest);
    // Two different specs: the runtime refuses, and the editor shows the action disabled, saying why.
    await client.type(manifest, MANIFEST.replace('"devDependencies": {\n    "fixture-peer": "^1.0.0"', '"devDependencies": {\n    "fixture-peer": "1.0.0"'));
    const refused = action(await client.codeActions(manifest, at(document, '"fixture-peer"')), "Isolate dependency 'fixture-peer'");
    assert.equal(refused.edit, undefined);
    assert.match(refused.disabled?.reason ?? '', /lists "fixture-peer" as "\^1\.0\.0" in dependencies and as "1\.0\.0" in devDependencies; keep one, then isolate it/);
    await client.type(manifest, MANIFEST);

    const isolate = action(await client.codeActions(manifest, at(document, '"fixture-peer"', MANIFEST.indexOf('devDependencies')), peer ? [peer] : []), "Isolate dependency 'fixture-peer'");
    assert.ok(isolate.edit && isolate.command);
    assert.equal(await client.applyEdit(isolate.edit), true);
    assert.equal(await readFile(manifest, 'utf8'), MANIFEST, 'applying the edit saves nothing');
    const summary = await client.executeCommand<string>(isolate.command);
    assert.equal(summary, 'Isolated fixture-peer into namespace "fixture-peer-1" (fixture-peer-1 installed); main tree: removed fixture-peer.');

    for (const file of ['package.json', 'multiverse.json']) {
      assert.equal(await readFile(path.join(dir, file), 'utf8'), await readFile(path.join(twin, file), 'utf8'), `${file} is what multiverse isolate writes`);
      assert.equal(await readFile(path.join(dir, file), 'utf8'), client.buffer(path.join(dir, file))?.getText(), `${file} on disk is the editor's buffer`);
    }
    for (const project of [dir, twin]) {
      assert.equal(await exists(path.join(project, 'node_modules', 'fixture-peer')), false, 'no main-tree copy remains');
      assert.ok(await exists(path.join(project, '.multiverse', 'fixture-peer-1', 'node_modules', 'fixture-peer', 'package.json')));
    }
    assert.deepEqual([client.progress[0]?.kind, client.progress.at(-1)?.kind], ['begin', 'end']);
    assert.deepEqual(await client.diagnosticsFor(manifestUri, (d) => d.length === 0), []);
    const conflicts = await client.connection.sendRequest(protocol.ConflictsRequest, {});
    assert.deepEqual(conflicts.folders[0]?.conflicts, []);
    assert.equal(await client.close(), 0);
  } finally {
    client.kill();
  }
});

test('over stdio, move back is complete: tree and map entry gone, the package back in package.json and the main tree; run, check, hover and loadProject agree', async () => {
  const dir = await tempDir('move-back-stdio');
  const app = path.join(dir, 'app.js');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-dual': '^1.0.0', 'fixture-esm': '1.0.0' } },
    '.npmrc': `registry=${registry.url}\n`,
    'app.js': "const dual = require('fixture-dual');\nconsole.log(require.resolve('fixture-dual'));\n",
  });
  await installWith(dir, registry.url);
  assert.equal((await cli(dir, 'isolate', 'fixture-dual')).code, 0);
  const isolatedRun = await cli(dir, 'run', 'app.js');
  assert.match(isolatedRun.stdout, /\.multiverse\/fixture-dual-1\/node_modules\/fixture-dual\//);

  const client = new StdioClient();
  try {
    await client.initialize(URI.file(dir).toString());
    const config = path.join(dir, 'multiverse.json');
    const document = await client.open(config);
    const moveBack = action(await client.codeActions(config, at(document, '"fixture-dual"')), "Move 'fixture-dual' back to the main tree");
    assert.ok(moveBack.edit && moveBack.command);
    assert.equal(await client.applyEdit(moveBack.edit), true);
    assert.equal(await client.executeCommand<string>(moveBack.command), 'Moved fixture-dual back to the main tree (fixture-dual-1 removed); main tree: added fixture-dual, fixture-lib.');

    assert.deepEqual(JSON.parse(await readFile(config, 'utf8')), {}, 'the emptied namespace and "namespaces" are gone');
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')).dependencies, { 'fixture-dual': '^1.0.0', 'fixture-esm': '1.0.0' });
    assert.equal(await exists(path.join(dir, '.multiverse', 'fixture-dual-1')), false, 'the tree is gone');
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, '.multiverse', 'map.json'), 'utf8')), { version: 1, namespaces: {} });

    const run = await cli(dir, 'run', 'app.js');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), path.join(dir, 'node_modules', 'fixture-dual', 'cjs', 'index.cjs'));
    const check = await cli(dir, 'check');
    assert.equal(check.code, 0, check.stdout);
    const resolved = loadProject(dir).resolve('fixture-dual', app);
    assert.deepEqual([resolved.kind, resolved.namespace, resolved.path], ['main', null, run.stdout.trim()]);
    const source = await client.open(app, 'javascript');
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: source.uri }, position: at(source, "'fixture-dual'").start });
    const text = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(text, /^main tree · \*\*fixture-dual@1\.0\.0\*\*/);
    assert.doesNotMatch(text, /Other copies/);
    assert.equal(await client.close(), 0);
  } finally {
    client.kill();
  }
});

test('over stdio in an extension folder: hovers and diagnostics follow the extension\'s own tree', async () => {
  const dir = await tempDir('extension-stdio');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-lib': '^2.0.0', 'fixture-dual': '^1.0.0' } },
    '.npmrc': `registry=${registry.url}\n`,
    'multiverse.json': { extensions: { 'legacy-report': { path: 'extensions/legacy-report', dependencies: { 'fixture-lib': '^1.0.0' } } } },
    'extensions/legacy-report/index.js': "const { ExtensionBase } = require('multiverse');\nconst lib = require('fixture-lib');\nconst dual = require('fixture-dual');\n",
  });
  await installWith(dir, registry.url);
  await installTree({ dir: path.join(dir, '.multiverse', '.extensions', 'legacy-report'), dependencies: { 'fixture-lib': '^1.0.0' }, projectDir: dir });
  const client = new StdioClient();
  try {
    await client.initialize(URI.file(dir).toString());
    const file = path.join(dir, 'extensions', 'legacy-report', 'index.js');
    const source = await client.open(file, 'javascript');
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: source.uri }, position: at(source, "'fixture-lib'").start });
    const text = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(text, /^extension `legacy-report` · \*\*fixture-lib@1\.0\.0\*\*/);
    assert.match(text, /\.multiverse\/\.extensions\/legacy-report\/node_modules\/fixture-lib\/index\.js/);
    assert.match(text, /Other copies: fixture-lib@1\.0\.0 \(main tree\), fixture-lib@2\.0\.0 \(main tree\)(\n|$)/);
    const resolved = await client.connection.sendRequest(protocol.ResolveRequest, { uri: source.uri, specifier: 'fixture-lib' });
    assert.deepEqual([resolved?.kind, resolved?.owner, resolved?.namespace, resolved?.version], ['extension', 'legacy-report', null, '1.0.0']);
    const diagnostics = await client.diagnosticsFor(source.uri, (d) => d.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['ghost', 2]]);
    assert.match(diagnostics[0]?.message ?? '', /^"fixture-dual" is not among the dependencies of extension "legacy-report" in multiverse\.json\. Its worker loads fixture-dual@1\.0\.0 from the main tree only by falling back/);
    assert.equal(await client.close(), 0);
  } finally {
    client.kill();
  }
});
