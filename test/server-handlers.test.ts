import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'jsonc-parser';
import { DiagnosticSeverity, LSPErrorCodes, type CodeAction, type Diagnostic, type TextDocumentEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { MultiverseServer, RecordingHost } from './support/lsp';
import { applyToDisk, EDITOR, markdown, open, positionOf, started } from './support/lsp-session';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';
import { installWith, tempDir, writeFiles } from './support/workspace';
import { loadProject, NamespaceModuleNotFoundError } from 'multiverse';
import { installProject } from 'multiverse/tooling';

let registry: FixtureRegistry;
before(async () => {
  registry = await startFixtureRegistry();
});
after(() => registry.close());

const APP_SOURCE = `import dual from 'fixture-dual';
import lib from 'fixture-lib';
export * from 'fixture-peer';
const fs = require('node:fs');
const where = require.resolve('fixture-dual/package.json');
// require('in-a-comment') is not an import
const later = () => import('fixture-peer');
`;

/** An installed app: fixture-dual brings fixture-lib@1 (hoisted), which the app imports without declaring it. */
async function ghostApp(): Promise<string> {
  const dir = await tempDir('lsp-app');
  await writeFiles(dir, {
    'package.json': '{\n  "name": "app",\n  "version": "1.0.0",\n  "dependencies": {\n    "fixture-dual": "^1.0.0",\n    "fixture-peer": "^1.0.0"\n  }\n}\n',
    '.npmrc': `registry=${registry.url}\n`,
    'src/app.mjs': APP_SOURCE,
  });
  await installWith(dir, registry.url);
  return dir;
}

test('diagnostics, hover, definition and ghost dependencies on an installed fixture app', async () => {
  const dir = await ghostApp();
  const { server, host } = await started(dir);
  assert.ok(host.watched.includes('**/multiverse.json'));
  const appUri = open(server, path.join(dir, 'src', 'app.mjs'), APP_SOURCE);

  const ghost = host.diagnostics.get(appUri) ?? [];
  assert.deepEqual(ghost.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]), [['ghost', 1, 17, 28]]);
  assert.match(ghost[0]?.message ?? '', /"fixture-lib" is not declared in package\.json \(a ghost dependency\)\. It resolves to fixture-lib@1\.0\.0/);

  const libHover = markdown(await server.hover({ textDocument: { uri: appUri }, position: positionOf(APP_SOURCE, "'fixture-lib'") }));
  assert.match(libHover, /^main tree · \*\*fixture-lib@1\.0\.0\*\* · commonjs/);
  assert.match(libHover, /\[node\\_modules\/fixture-lib\/index\.js\]\(file:\/\/\/.*\/node_modules\/fixture-lib\/index\.js\)/);
  assert.match(libHover, /Required by: `\(root\) > fixture-dual@1\.0\.0 > fixture-lib@1\.0\.0`/);

  // ESM conditions for import, CommonJS ones for require.resolve: the dual package answers differently.
  const dualHover = markdown(await server.hover({ textDocument: { uri: appUri }, position: positionOf(APP_SOURCE, "'fixture-dual'") }));
  assert.match(dualHover, /esm\/index\.mjs/);
  assert.match(dualHover, /· module/);
  const resolveHover = markdown(await server.hover({ textDocument: { uri: appUri }, position: positionOf(APP_SOURCE, "'fixture-dual/package.json'") }));
  assert.match(resolveHover, /fixture-dual\/package\.json/);
  assert.match(markdown(await server.hover({ textDocument: { uri: appUri }, position: positionOf(APP_SOURCE, "'node:fs'") })), /Node\.js built-in `node:fs`/);
  assert.equal(await server.hover({ textDocument: { uri: appUri }, position: positionOf(APP_SOURCE, 'in-a-comment') }), null);
  assert.match(markdown(await server.hover({ textDocument: { uri: appUri }, position: positionOf(APP_SOURCE, "import('fixture-peer", 9) })), /fixture-peer@1\.0\.0/);

  const definition = await server.definition({ textDocument: { uri: appUri }, position: positionOf(APP_SOURCE, "'fixture-lib'") });
  assert.equal(definition?.uri, URI.file(path.join(dir, 'node_modules', 'fixture-lib', 'index.js')).toString());

  const manifestText = await readFile(path.join(dir, 'package.json'), 'utf8');
  const pkgUri = open(server, path.join(dir, 'package.json'), manifestText, 'json');
  const entryHover = markdown(await server.hover({ textDocument: { uri: pkgUri }, position: positionOf(manifestText, '"fixture-dual"', 3) }));
  assert.equal(entryHover, 'main tree · **fixture-dual@1.0.0** · satisfies `^1.0.0`\n\n`node_modules/fixture-dual`');
  assert.equal(await server.hover({ textDocument: { uri: pkgUri }, position: positionOf(manifestText, '"name"', 2) }), null);

  const resolved = await server.resolve({ uri: appUri, specifier: 'fixture-lib' });
  assert.equal(resolved?.version, '1.0.0');
  assert.equal(resolved?.namespace, null);
  server.shutdown();
});

test('peer conflict diagnostics land on the exact package.json entries; Isolate moves the entry into a namespace and installs it', async () => {
  const dir = await ghostApp();
  const manifest = '{\n  "name": "app",\n  "version": "1.0.0",\n  "dependencies": {\n    "fixture-lib": "^2.0.0",\n    "fixture-peer": "^1.0.0"\n  }\n}\n';
  await writeFiles(dir, { 'package.json': manifest });
  await installWith(dir, registry.url, { force: true });
  const { server, host, folder } = await started(dir);
  const pkgUri = URI.file(path.join(dir, 'package.json')).toString();
  const published = host.diagnostics.get(pkgUri) ?? [];
  // One conflict, one diagnostic: on the dependent whose peer range the tree misses; the entry of the copy it found is related.
  assert.deepEqual(
    published.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]),
    [['peer', 5, 4, 5, 28]],
  );
  assert.match(published[0]?.message ?? '', /Peer conflict \(npm: ERESOLVE\)/);
  assert.deepEqual(published[0]?.relatedInformation?.map((r) => [r.location.uri, r.location.range]), [[pkgUri, { start: { line: 4, character: 4 }, end: { line: 4, character: 27 } }]]);

  open(server, path.join(dir, 'package.json'), manifest, 'json');
  const entryHover = markdown(await server.hover({ textDocument: { uri: pkgUri }, position: positionOf(manifest, '"fixture-lib"', 3) }));
  assert.match(entryHover, /^main tree · \*\*fixture-lib@2\.0\.0\*\* · satisfies `\^2\.0\.0`/);
  assert.match(entryHover, /`node_modules\/fixture-lib`$/);
  const atPeer = { start: { line: 5, character: 8 }, end: { line: 5, character: 8 } };
  const actions = await server.codeAction({ textDocument: { uri: pkgUri }, range: atPeer, context: { diagnostics: published } });
  const isolate = actions.find((a) => a.title === "Isolate dependency 'fixture-peer'");
  assert.ok(isolate, `actions: ${actions.map((a) => a.title).join(', ')}`);
  assert.equal(isolate.kind, 'quickfix');
  assert.equal(isolate.diagnostics?.length, 1);
  assert.equal(isolate.command?.command, 'multiverse.completeIsolation');
  assert.deepEqual(isolate.command?.arguments?.map((a: { folder: string; action: string; package: string; namespace: string }) => [a.folder, a.action, a.package, a.namespace]), [[folder, 'isolate', 'fixture-peer', 'fixture-peer-1']]);

  // The edit creates multiverse.json and keeps package.json's formatting; the editor saves and closes.
  await applyToDisk(isolate);
  server.didClose({ textDocument: { uri: pkgUri } });
  const after = await readFile(path.join(dir, 'package.json'), 'utf8');
  assert.equal(after, '{\n  "name": "app",\n  "version": "1.0.0",\n  "dependencies": {\n    "fixture-lib": "^2.0.0"\n  }\n}\n');
  assert.deepEqual(parse(await readFile(path.join(dir, 'multiverse.json'), 'utf8')), { namespaces: { 'fixture-peer-1': { dependencies: { 'fixture-peer': '^1.0.0' } } } });

  const summary = await server.executeCommand({ command: isolate.command?.command ?? '', arguments: isolate.command?.arguments });
  assert.equal(summary, 'Isolated fixture-peer into namespace "fixture-peer-1" (fixture-peer-1 installed); main tree: removed fixture-peer.');
  assert.deepEqual(host.progressLog.at(0), 'begin Isolating fixture-peer');
  assert.equal(host.progressLog.at(-1), 'done');
  await server.settled();

  const namespaces = await server.namespaces({});
  assert.deepEqual(namespaces.folders[0]?.namespaces.map((n) => [n.name, n.state, n.packageCount]), [['fixture-peer-1', 'installed', 2]]);
  const conflicts = await server.conflicts({ folder });
  assert.deepEqual(conflicts.folders[0]?.conflicts, [], 'isolating the peer dependent resolves the conflict');
  assert.deepEqual(host.diagnostics.get(pkgUri), []);

  const isolatedManifest = await readFile(path.join(dir, 'package.json'), 'utf8');
  open(server, path.join(dir, 'package.json'), isolatedManifest, 'json');
  const libEntry = markdown(await server.hover({ textDocument: { uri: pkgUri }, position: positionOf(isolatedManifest, '"fixture-lib"', 3) }));
  assert.match(libEntry, /Other copies: 1\.0\.0 \(namespace `fixture-peer-1`\) via `\(namespace fixture-peer-1\) > fixture-peer@1\.0\.0 > fixture-lib@1\.0\.0`/);

  // App code importing fixture-peer now gets the namespace's copy, with fixture-lib@1 as its peer.
  const source = "import peer from 'fixture-peer';\nimport lib from 'fixture-lib';\n";
  const uri = open(server, path.join(dir, 'index.mjs'), source);
  const peerHover = markdown(await server.hover({ textDocument: { uri }, position: positionOf(source, "'fixture-peer'") }));
  assert.match(peerHover, /^namespace `fixture-peer-1` · \*\*fixture-peer@1\.0\.0\*\*/);
  assert.match(peerHover, /\.multiverse\/fixture-peer-1\/node_modules\/fixture-peer/);
  const libResolved = await server.resolve({ uri, specifier: 'fixture-lib' });
  assert.equal(libResolved?.namespace, null);
  assert.equal(libResolved?.version, '2.0.0');
  assert.deepEqual(libResolved?.otherCopies.map((c) => `${c.namespace}@${c.version}`), ['fixture-peer-1@1.0.0']);

  // Move it back: the reverse edit, offered on the namespace entry in multiverse.json.
  const configUri = open(server, path.join(dir, 'multiverse.json'), await readFile(path.join(dir, 'multiverse.json'), 'utf8'), 'json');
  const configText = await readFile(path.join(dir, 'multiverse.json'), 'utf8');
  const onEntry = positionOf(configText, '"fixture-peer"', 3);
  const configActions = await server.codeAction({ textDocument: { uri: configUri }, range: { start: onEntry, end: onEntry }, context: { diagnostics: [] } });
  const moveBack = configActions.find((a) => a.title === "Move 'fixture-peer' back to the main tree");
  assert.ok(moveBack, `actions: ${configActions.map((a) => a.title).join(', ')}`);
  await applyToDisk(moveBack);
  assert.deepEqual(parse(await readFile(path.join(dir, 'package.json'), 'utf8')).dependencies, { 'fixture-lib': '^2.0.0', 'fixture-peer': '^1.0.0' });
  assert.deepEqual(parse(await readFile(path.join(dir, 'multiverse.json'), 'utf8')), {}, 'the namespace goes when its last dependency does, and "namespaces" with it');
  // Back in the main tree, the peer conflict returns: npm refuses the tree, and the editor says so.
  const moved = await server.executeCommand({ command: moveBack.command?.command ?? '', arguments: moveBack.command?.arguments });
  assert.match(moved, /^Moved fixture-peer back to the main tree \(fixture-peer-1 removed\); the main tree was not updated: installing the main tree: its own dependencies conflict \(ERESOLVE\)/);
  assert.match(host.errors.at(-1) ?? '', /The app's node_modules was left as it was; run "npm install" in .* to see npm's own report\./);
  assert.deepEqual(await readdir(path.join(dir, 'node_modules')).then((names) => names.filter((n) => !n.startsWith('.'))), ['fixture-lib'], 'the failed update changed nothing');
  server.shutdown();
});

test('with multiverse.isolate.updateMainTree off, the main-tree copy stays and a warning says which command removes it', async () => {
  const dir = await ghostApp();
  const { server, host, folder } = await started(dir);
  server.didChangeConfiguration({ settings: { multiverse: { isolate: { updateMainTree: false } } } });
  await server.settled();
  const manifest = await readFile(path.join(dir, 'package.json'), 'utf8');
  const pkgUri = open(server, path.join(dir, 'package.json'), manifest, 'json');
  const entry = positionOf(manifest, '"fixture-peer"', 3);
  const isolate = (await server.codeAction({ textDocument: { uri: pkgUri }, range: { start: entry, end: entry }, context: { diagnostics: [] } })).find((a) => a.title === "Isolate dependency 'fixture-peer'");
  assert.ok(isolate?.edit && isolate.command);
  // Applied in the editor's buffers, unsaved: the command saves them.
  const change = isolate.edit.documentChanges?.find((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === pkgUri);
  assert.ok(change);
  server.didChange({ textDocument: { uri: pkgUri, version: 2 }, contentChanges: [{ text: TextDocument.applyEdits(TextDocument.create(pkgUri, 'json', 1, manifest), change.edits) }] });
  const summary = await server.executeCommand({ command: isolate.command.command, arguments: isolate.command.arguments });
  assert.ok(summary.endsWith(`; the main tree was left alone: run "npm install" in ${dir}.`), summary);
  assert.equal(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')).dependencies['fixture-peer'], undefined, 'the server saved the edit');
  await server.settled();
  const configUri = URI.file(path.join(dir, 'multiverse.json')).toString();
  const leftover = (host.diagnostics.get(configUri) ?? []).filter((d) => d.code === 'main-tree-leftover');
  assert.equal(leftover.length, 1);
  assert.match(leftover[0]?.message ?? '', /still holds fixture-peer@1\.0\.0 at node_modules\/fixture-peer/);
  assert.ok(leftover[0]?.message.endsWith(`Run "npm install" in ${dir}.`), leftover[0]?.message);
  assert.equal((await server.conflicts({ folder })).folders[0]?.conflicts.find((c) => c.kind === 'main-tree-leftover')?.copies[0], URI.file(path.join(dir, 'node_modules', 'fixture-peer')).toString());
  server.shutdown();
});

test('multiverse/tree pages through one level at a time', async () => {
  const dir = await ghostApp();
  const { server, folder } = await started(dir);
  const first = await server.tree({ folder, limit: 1 });
  assert.equal(first.total, 2);
  assert.deepEqual(first.items.map((i) => `${i.name}@${i.version}`), ['fixture-dual@1.0.0']);
  assert.equal(first.nextOffset, 1);
  const second = await server.tree({ folder, offset: 1, limit: 1 });
  assert.deepEqual(second.items.map((i) => i.name), ['fixture-peer']);
  assert.equal(second.nextOffset, null);
  const dual = first.items[0];
  assert.ok(dual?.id !== null && dual?.id !== undefined);
  const children = await server.tree({ folder, parent: dual.id });
  assert.deepEqual(children.items.map((i) => `${i.name}@${i.version}`), ['fixture-lib@1.0.0']);
  await assert.rejects(server.tree({ folder, parent: 999 }), /no package 999/);
  await assert.rejects(server.tree({ folder, namespace: 'nope' }), /no installed namespace "nope"/);
  server.shutdown();
});

test('a malformed package.json while typing: a positioned diagnostic, and the previous analysis keeps answering', async () => {
  const dir = await ghostApp();
  const { server, host } = await started(dir);
  const appUri = open(server, path.join(dir, 'src', 'app.mjs'), APP_SOURCE);
  const pkgFile = path.join(dir, 'package.json');
  const pkgUri = URI.file(pkgFile).toString();
  await writeFile(pkgFile, '{\n  "name": "app",\n  "dependencies": {\n    "fixture-dual": \n  }\n}\n');
  server.didChangeWatchedFiles({ changes: [{ uri: pkgUri, type: 2 }] });
  await server.settled();
  const [parseError] = host.diagnostics.get(pkgUri) ?? [];
  assert.equal(parseError?.code, 'parse-error');
  assert.deepEqual(parseError?.range.start, { line: 4, character: 2 });
  assert.match(parseError?.message ?? '', /value expected/);
  assert.match(markdown(await server.hover({ textDocument: { uri: appUri }, position: positionOf(APP_SOURCE, "'fixture-lib'") })), /fixture-lib@1\.0\.0/);

  await writeFile(pkgFile, '{ "name": "app", "dependencies": { "fixture-dual": "^1.0.0" } }');
  await writeFile(path.join(dir, 'multiverse.json'), '{ "namespaces": { "../evil": {} } }');
  server.didChangeWatchedFiles({ changes: [{ uri: URI.file(path.join(dir, 'multiverse.json')).toString(), type: 1 }] });
  await server.settled();
  const configDiagnostics = host.diagnostics.get(URI.file(path.join(dir, 'multiverse.json')).toString()) ?? [];
  assert.deepEqual(configDiagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['parse-error', 0, 18]]);
  assert.match(configDiagnostics[0]?.message ?? '', /"\.\.\/evil"/);
  assert.deepEqual(host.diagnostics.get(pkgUri), [], 'the package.json problem is gone once the file is fixed');
  server.shutdown();
});

test('no package.json, a folder removed while analysing, and 10,000 random edits: the server stays up and answers', async () => {
  const empty = await tempDir('lsp-empty');
  const gone = await tempDir('lsp-gone');
  await writeFiles(gone, { 'package.json': { name: 'gone', version: '1.0.0' } });
  const dir = await ghostApp();
  const host = new RecordingHost();
  const server = new MultiverseServer(host);
  const folders = [empty, gone, dir].map((d) => ({ uri: URI.file(d).toString(), name: path.basename(d) }));
  server.initialize({ processId: null, rootUri: null, capabilities: EDITOR, workspaceFolders: folders });
  await server.initialized();
  await rm(gone, { recursive: true, force: true });
  await server.settled();
  assert.deepEqual((await server.namespaces({ folder: folders[0]?.uri })).folders.map((f) => f.mainPackageCount), [0]);

  // Random edits over a source file and package.json buffers, with the disk copy of package.json
  // rewritten (valid or not) now and then so re-analyses run and get cancelled in between.
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = ['{', '}', '"', ':', ',', '[', ']', "'", 'import ', 'require(', ')', '\n', ' ', 'fixture-lib', '\\', '`', '${', '/*', '*/', '//', 'x'];
  const docs = [
    { uri: open(server, path.join(dir, 'src', 'app.mjs'), APP_SOURCE), text: APP_SOURCE },
    { uri: open(server, path.join(dir, 'package.json'), await readFile(path.join(dir, 'package.json'), 'utf8'), 'json'), text: await readFile(path.join(dir, 'package.json'), 'utf8') },
  ];
  const versions = [1, 1];
  for (let i = 0; i < 10_000; i++) {
    const which = random(2);
    const doc = docs[which];
    if (!doc) continue;
    const document = TextDocument.create(doc.uri, 'x', 0, doc.text);
    const start = random(doc.text.length + 1);
    const end = Math.min(doc.text.length, start + random(5));
    const newText = random(4) === 0 ? '' : (alphabet[random(alphabet.length)] ?? '');
    const range = { start: document.positionAt(start), end: document.positionAt(end) };
    doc.text = doc.text.slice(0, start) + newText + doc.text.slice(end);
    versions[which] = (versions[which] ?? 0) + 1;
    server.didChange({ textDocument: { uri: doc.uri, version: versions[which] ?? 0 }, contentChanges: [{ range, text: newText }] });
    if (i % 500 === 0) {
      await writeFile(path.join(dir, 'package.json'), i % 1000 === 0 ? docs[1]?.text ?? '' : '{"name": "app", "dependencies": {"fixture-dual": "^1.0.0"}}');
      server.didChangeWatchedFiles({ changes: [{ uri: docs[1]?.uri ?? '', type: 2 }] });
      await server.hover({ textDocument: { uri: docs[0]?.uri ?? '' }, position: document.positionAt(random(doc.text.length)) });
    }
  }
  await writeFile(path.join(dir, 'package.json'), '{"name": "app", "dependencies": {"fixture-dual": "^1.0.0"}}');
  server.didChangeWatchedFiles({ changes: [{ uri: docs[1]?.uri ?? '', type: 2 }] });
  await server.settled();
  const clean = "import lib from 'fixture-lib';\n";
  const uri = open(server, path.join(dir, 'src', 'clean.mjs'), clean);
  assert.match(markdown(await server.hover({ textDocument: { uri }, position: positionOf(clean, "'fixture-lib'") })), /fixture-lib@1\.0\.0/);
  assert.deepEqual(host.errors, []);
  server.shutdown();
});

test('code actions on imports offer Isolate for declared packages', async () => {
  const dir = await ghostApp();
  const { server } = await started(dir);
  const source = "import dual from 'fixture-dual';\n";
  const uri = open(server, path.join(dir, 'src', 'x.mjs'), source);
  const at = positionOf(source, "'fixture-dual'");
  const actions = await server.codeAction({ textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [] } });
  const isolate = actions.find((a) => a.title === "Isolate dependency 'fixture-dual'");
  assert.ok(isolate);
  const pkgEdit = isolate.edit?.documentChanges?.find((c) => 'textDocument' in c && c.textDocument.uri.endsWith('/package.json')) as TextDocumentEdit | undefined;
  assert.ok(pkgEdit);
  const before = await readFile(path.join(dir, 'package.json'), 'utf8');
  const text = TextDocument.applyEdits(TextDocument.create('file:///x', 'json', 1, before), pkgEdit.edits);
  assert.deepEqual(parse(text).dependencies, { 'fixture-peer': '^1.0.0' });
  server.shutdown();
});

test('an import whose file two namespace scopes both match is reported as ambiguous', async () => {
  const dir = await ghostApp();
  await writeFiles(dir, {
    'multiverse.json': {
      namespaces: {
        a: { dependencies: { 'fixture-lib': '^1.0.0' }, scope: ['src/**'] },
        b: { dependencies: { 'fixture-lib': '^2.0.0' }, scope: ['src/b/**'] },
      },
    },
  });
  const { server, host } = await started(dir);
  const source = "import lib from 'fixture-lib';\n";
  const inB = open(server, path.join(dir, 'src', 'b', 'x.mjs'), source);
  const inA = open(server, path.join(dir, 'src', 'y.mjs'), source);
  assert.deepEqual(host.diagnostics.get(inB)?.map((d) => d.code), ['ambiguous']);
  assert.match(host.diagnostics.get(inB)?.[0]?.message ?? '', /namespaces "a" and "b" both declare/);
  assert.deepEqual(host.diagnostics.get(inA), [], 'routed to namespace a: not a ghost dependency');
  server.shutdown();
});

test('a failing install is shown to the user, ends its progress and leaves the server answering', async () => {
  const dir = await ghostApp();
  const { server, host, folder } = await started(dir);
  await assert.rejects(
    server.executeCommand({ command: 'multiverse.installNamespaces', arguments: [{ folder, namespaces: { broken: { 'fixture-does-not-exist': '^1.0.0' } } }] }),
    /Installing namespaces in .* failed: .*fixture-does-not-exist/,
  );
  assert.match(host.errors[0] ?? '', /fixture-does-not-exist/);
  assert.equal(host.progressLog.at(-1), 'done');
  await assert.rejects(server.executeCommand({ command: 'multiverse.installNamespaces', arguments: [{ folder: 'file:///nowhere' }] }), /naming an open workspace folder/);
  await server.settled();
  assert.equal((await server.tree({ folder })).total, 2);
  server.shutdown();
});

// A generous ceiling, not a measurement: an install that ignores the cancellation waits for the
// held tarballs forever, and the test must then fail instead of hanging the suite.
test('cancelling an install from the editor stops it mid-fetch, answers RequestCancelled without an error popup, and installs nothing', { timeout: 60_000 }, async () => {
  const dir = await ghostApp();
  // The tarballs must come from the registry, where they are held, even if a cache has them
  // (`npm test` points every install at the user's npm cache through npm_config_cache).
  await writeFiles(dir, { '.npmrc': `registry=${registry.url}\nprefer-online=true\nfetch-retries=0\n` });
  const { server, host, folder } = await started(dir);
  const held = registry.hold('tarballs');
  const install = server.executeCommand({ command: 'multiverse.installNamespaces', arguments: [{ folder, namespaces: { fresh: { 'fixture-esm': '1.0.0' } } }] });
  await held.requested;
  host.cancelProgress();
  await assert.rejects(install, (error: unknown) => {
    assert.equal((error as { code?: number }).code, LSPErrorCodes.RequestCancelled);
    assert.match((error as Error).message, /^Installing namespace "fresh" was cancelled while fetching and extracting packages; nothing installed before was changed\.$/);
    return true;
  });
  held.release();
  assert.deepEqual(host.errors, []);
  assert.equal(host.progressLog.at(-1), 'done');
  assert.deepEqual(await readdir(path.join(dir, '.multiverse')), [], 'no tree and no staging folder');
  await server.settled();
  assert.equal((await server.tree({ folder })).total, 2, 'the server keeps answering');
  server.shutdown();
});

test('an import routed into a namespace that cannot serve it, though plain Node would, is reported', async () => {
  const dir = await ghostApp();
  await writeFiles(dir, { 'multiverse.json': { namespaces: { modern: { dependencies: { 'fixture-lib': '^2.0.0' } } } } });
  await installProject(dir);
  const { server, host } = await started(dir);
  // fixture-lib@2 has no index.js; the main tree's fixture-lib@1 (hoisted from fixture-dual) has.
  const source = "const lib = require('fixture-lib');\nconst old = require('fixture-lib/index.js');\n";
  const uri = open(server, path.join(dir, 'src', 'routed.cjs'), source);
  const diagnostics = host.diagnostics.get(uri) ?? [];
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['namespace-escape', 1]]);
  assert.match(diagnostics[0]?.message ?? '', /goes to namespace "modern", whose tree cannot resolve it .*Plain Node would load node_modules\/fixture-lib\/index\.js/);
  assert.match(markdown(await server.hover({ textDocument: { uri }, position: positionOf(source, "'fixture-lib'") })), /^namespace `modern` · \*\*fixture-lib@2\.0\.0\*\*/);
  server.shutdown();
});

test('workspace folders come and go: a removed folder stops being analysed and its diagnostics are cleared', async () => {
  const dir = await ghostApp();
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-dual': '^1.0.0', 'fixture-esm': '^1.0.0' } } });
  const host = new RecordingHost();
  const server = new MultiverseServer(host);
  server.initialize({ processId: null, rootUri: null, capabilities: EDITOR, workspaceFolders: [] });
  await server.initialized();
  const folder = { uri: URI.file(dir).toString(), name: 'app' };
  server.didChangeWorkspaceFolders({ added: [folder], removed: [] });
  await server.settled();
  const pkgUri = URI.file(path.join(dir, 'package.json')).toString();
  assert.deepEqual(host.diagnostics.get(pkgUri)?.map((d) => d.code), ['missing']);
  server.didChangeWorkspaceFolders({ added: [], removed: [folder] });
  assert.deepEqual(host.diagnostics.get(pkgUri), []);
  assert.deepEqual((await server.conflicts({})).folders, []);
  server.shutdown();
});

test('the singletons setting adds packages that must be installed once', async () => {
  const dir = await ghostApp();
  await writeFiles(dir, { 'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-dual': '^1.0.0', 'fixture-esm': '^1.0.0' } } });
  await installWith(dir, registry.url);
  const { server, host } = await started(dir);
  const pkgUri = URI.file(path.join(dir, 'package.json')).toString();
  assert.deepEqual(host.diagnostics.get(pkgUri) ?? [], []);
  server.didChangeConfiguration({ settings: { multiverse: { singletons: ['fixture-lib'] } } });
  await server.settled();
  const diagnostics = host.diagnostics.get(pkgUri) ?? [];
  assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['singleton', DiagnosticSeverity.Error]], 'one conflict, one diagnostic');
  assert.equal(diagnostics[0]?.relatedInformation?.length, 1, 'the other entry leading to a copy is related');
  assert.match(diagnostics[0]?.message ?? '', /fixture-lib is installed 2 times \(1\.0\.0 at node_modules\/fixture-lib, 2\.0\.0 at node_modules\/fixture-esm\/node_modules\/fixture-lib\)/);
  server.shutdown();
});

test('findings about a namespace land on its entries in multiverse.json, array items included', async () => {
  const dir = await ghostApp();
  const config = '{\n  "namespaces": {\n    "legacy": {\n      "dependencies": { "fixture-peer": "^1.0.0" },\n      "shared": ["fixture-dual", "fixture-gone"]\n    }\n  }\n}\n';
  await writeFiles(dir, { 'multiverse.json': config });
  const { server, host } = await started(dir);
  const configUri = URI.file(path.join(dir, 'multiverse.json')).toString();
  const byCode = (host.diagnostics.get(configUri) ?? []).map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]).sort();
  assert.deepEqual(byCode, [
    ['declared-twice', 3, 24, 48],
    ['missing', 4, 33, 47],
    ['namespace-not-installed', 2, 4, 5],
  ]);
  const twice = (host.diagnostics.get(configUri) ?? []).find((d) => d.code === 'declared-twice');
  const pkgUri = URI.file(path.join(dir, 'package.json')).toString();
  assert.deepEqual(twice?.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.location.range.start.character]), [[pkgUri, 5, 4]]);
  assert.deepEqual(host.diagnostics.get(pkgUri) ?? [], [], 'declared-twice shows once, on the namespace entry');
  server.shutdown();
});

/**
 * A plugin's own source, opened where it is installed: `.multiverse/tools/node_modules/fixture-esm`.
 * The namespace "tools" holds fixture-esm and its fixture-lib@2 and shares fixture-dual with the
 * app; the app's tree also has fixture-peer, which "tools" does not.
 */
const PLUGIN_SOURCE = `import lib from 'fixture-lib';
import dual from 'fixture-dual';
import peer from 'fixture-peer';
import gone from 'not-installed-anywhere';
import type { Missing } from 'also-not-installed';
import fs from 'node:fs';
import own from 'fixture-esm';
`;

test('code inside a namespace tree: imports the namespace refuses are reported, and hover resolves inside the namespace', async () => {
  const dir = await ghostApp();
  await writeFiles(dir, { 'multiverse.json': { namespaces: { tools: { dependencies: { 'fixture-esm': '1.0.0' }, shared: ['fixture-dual'] } } } });
  await installProject(dir);
  const { server, host, folder } = await started(dir);
  const plugin = path.join(dir, '.multiverse', 'tools', 'node_modules', 'fixture-esm', 'index.ts');
  const uri = open(server, plugin, PLUGIN_SOURCE, 'typescript');

  const diagnostics = host.diagnostics.get(uri) ?? [];
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity, d.range.start.line, (d.data as { namespace: string; package: string }).namespace, (d.data as { package: string }).package]),
    [
      ['namespace-escape', 1, 2, 'tools', 'fixture-peer'],
      ['namespace-escape', 2, 3, 'tools', 'not-installed-anywhere'],
    ],
  );
  // The runtime's own refusal, and the fix, in the editor.
  const runtimeRefusal = captureError(() => loadProject(dir).namespace('tools').require('fixture-peer'));
  assert.ok(runtimeRefusal instanceof NamespaceModuleNotFoundError, String(runtimeRefusal));
  const [escape, gone] = diagnostics;
  assert.match(escape?.message ?? '', /^Cannot find module 'fixture-peer' in namespace "tools": this file is in the namespace's tree/);
  assert.match(escape?.message ?? '', /Plain Node would load node_modules\/fixture-peer\/index\.js from outside the namespace's tree/);
  assert.ok(escape?.message.endsWith(runtimeRefusal.fix), escape?.message);
  assert.match(runtimeRefusal.fix, /add "fixture-peer" to its dependencies \(and run "multiverse install"\), or list it in "shared"/);
  assert.match(gone?.message ?? '', /Nothing else in the project has it either/);

  // Hover names the namespace and the copy inside its tree, as loadProject(dir).resolve does.
  const libHover = markdown(await server.hover({ textDocument: { uri }, position: positionOf(PLUGIN_SOURCE, "'fixture-lib'") }));
  assert.match(libHover, /^namespace `tools` · \*\*fixture-lib@2\.0\.0\*\*/);
  assert.match(libHover, /\.multiverse\/tools\/node\\_modules\/fixture-lib\/lib\/main\.js/);
  assert.equal(loadProject(dir).resolve('fixture-lib', plugin, { conditions: 'import' }).namespace, 'tools');
  // A shared package comes from the app's tree.
  assert.match(markdown(await server.hover({ textDocument: { uri }, position: positionOf(PLUGIN_SOURCE, "'fixture-dual'") })), /^main tree · \*\*fixture-dual@1\.0\.0\*\*/);
  assert.match(markdown(await server.hover({ textDocument: { uri }, position: positionOf(PLUGIN_SOURCE, "'fixture-esm'") })), /^namespace `tools` · \*\*fixture-esm@1\.0\.0\*\*/);
  const definition = await server.definition({ textDocument: { uri }, position: positionOf(PLUGIN_SOURCE, "'fixture-lib'") });
  assert.equal(definition?.uri, URI.file(path.join(dir, '.multiverse', 'tools', 'node_modules', 'fixture-lib', 'lib', 'main.js')).toString());

  // The same file read by the app's own code is not the namespace's business: the app's rules apply.
  const appFile = path.join(dir, 'src', 'uses-peer.mjs');
  const appUri = open(server, appFile, "import peer from 'fixture-peer';\n");
  assert.deepEqual(host.diagnostics.get(appUri), []);

  // Quick fixes: declare the package in the namespace (the app's major), or share the app's copy.
  const onPeer = { start: positionOf(PLUGIN_SOURCE, "'fixture-peer'"), end: positionOf(PLUGIN_SOURCE, "'fixture-peer'") };
  const actions = await server.codeAction({ textDocument: { uri }, range: onPeer, context: { diagnostics: [escape as Diagnostic] } });
  assert.deepEqual(actions.map((a) => a.title), ["Add 'fixture-peer@^1.0.0' to namespace 'tools'", "Share the app's 'fixture-peer' with namespace 'tools'"]);
  assert.deepEqual(actions[0]?.command?.arguments, [{ folder, namespaces: { tools: { 'fixture-esm': '1.0.0', 'fixture-peer': '^1.0.0' } } }]);
  const onGone = await server.codeAction({ textDocument: { uri }, range: onPeer, context: { diagnostics: [gone as Diagnostic] } });
  assert.deepEqual(onGone.map((a) => a.title), ["Add 'not-installed-anywhere@latest' to namespace 'tools'"], 'nothing to share when the app has no copy');

  // Sharing, saved and installed (which rewrites the map): the namespace now serves the import.
  await applyToDisk(actions[1] as CodeAction);
  assert.deepEqual(parse(await readFile(path.join(dir, 'multiverse.json'), 'utf8')), { namespaces: { tools: { dependencies: { 'fixture-esm': '1.0.0' }, shared: ['fixture-dual', 'fixture-peer'] } } });
  await server.executeCommand({ command: 'multiverse.installNamespaces', arguments: [{ folder }] });
  await server.settled();
  assert.deepEqual(host.diagnostics.get(uri)?.map((d) => (d.data as { package: string }).package), ['not-installed-anywhere']);
  assert.match(markdown(await server.hover({ textDocument: { uri }, position: positionOf(PLUGIN_SOURCE, "'fixture-peer'") })), /^main tree · \*\*fixture-peer@1\.0\.0\*\*/);
  server.shutdown();
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
