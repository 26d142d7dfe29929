import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { Hover, InitializeResult, Location, MarkupContent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { installProject, loadTree } from 'multiverse/tooling';
import { canonical } from './support/graph';
import { protocol } from './support/lsp';
import { StdioClient } from './support/lsp-client';
import { repoRoot } from './support/paths';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';
import { installWith, tempDir, writeFiles } from './support/workspace';

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

let registry: FixtureRegistry;
before(async () => {
  registry = await startFixtureRegistry();
});
after(() => registry.close());

function at(text: string, needle: string): { line: number; character: number } {
  return TextDocument.create('file:///x', 'javascript', 1, text).positionAt(text.indexOf(needle) + 1);
}

test('over stdio: conflict diagnostics, hover, definition and the multiverse/* requests on a fixture workspace', async () => {
  const dir = await tempDir('stdio');
  await writeFiles(dir, {
    'package.json': '{\n  "name": "app",\n  "version": "1.0.0",\n  "dependencies": {\n    "fixture-lib": "^2.0.0",\n    "fixture-peer": "^1.0.0"\n  }\n}\n',
  });
  await installWith(dir, registry.url, { force: true });
  const folder = URI.file(dir).toString();
  const client = new StdioClient();
  try {
    const init = await client.initialize(folder);
    assert.equal(init.capabilities.hoverProvider, true);
    const pkgUri = URI.file(path.join(dir, 'package.json')).toString();
    const diagnostics = await client.diagnosticsFor(pkgUri, (d) => d.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line, d.relatedInformation?.[0]?.location.range.start.line]), [['peer', 5, 4]]);

    const source = "const lib = require('fixture-lib');\nimport('fixture-peer');\n";
    const uri = URI.file(path.join(dir, 'main.cjs')).toString();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: source } });
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(source, "'fixture-lib'") });
    assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /^main tree · \*\*fixture-lib@2\.0\.0\*\*/);
    const definition = await client.connection.sendRequest<Location | null>('textDocument/definition', { textDocument: { uri }, position: at(source, "'fixture-lib'") });
    assert.equal(definition?.uri, URI.file(path.join(dir, 'node_modules', 'fixture-lib', 'lib', 'main.js')).toString());

    const resolved = await client.connection.sendRequest(protocol.ResolveRequest, { textDocument: { uri }, position: at(source, "'fixture-peer'") });
    assert.equal(resolved?.packageName, 'fixture-peer');
    const tree = await client.connection.sendRequest(protocol.TreeRequest, { folder });
    assert.deepEqual(tree.items.map((i) => i.name), ['fixture-lib', 'fixture-peer']);
    const conflicts = await client.connection.sendRequest(protocol.ConflictsRequest, {});
    assert.deepEqual(conflicts.folders[0]?.conflicts.map((c) => `${c.kind}:${c.package}:${c.locations.length}`), ['peer:fixture-lib:2']);
    const namespaces = await client.connection.sendRequest(protocol.NamespacesRequest, {});
    assert.deepEqual(namespaces.folders[0]?.namespaces, []);
    const watchers = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')?.registerOptions as { watchers: { globPattern: string }[] } | undefined;
    assert.ok(watchers?.watchers.some((w) => w.globPattern === '**/node_modules/.package-lock.json'));

    // Install a namespace through the command a code action carries: progress reaches the editor.
    await writeFiles(dir, { '.npmrc': `registry=${registry.url}\n`, 'multiverse.json': { namespaces: { legacy: { dependencies: { 'fixture-lib': '^1.0.0' } } } } });
    const summary = await client.connection.sendRequest<string>('workspace/executeCommand', { command: 'multiverse.installNamespaces', arguments: [{ folder }] });
    assert.match(summary, /Installed 1 namespace/);
    assert.deepEqual([client.progress[0]?.kind, client.progress.at(-1)?.kind], ['begin', 'end']);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(dir, 'multiverse.json')).toString(), type: 1 }] });
    const installed = await client.connection.sendRequest(protocol.NamespacesRequest, { folder });
    assert.deepEqual(installed.folders[0]?.namespaces.map((n) => `${n.name}:${n.state}`), ['legacy:installed']);
    assert.equal(await client.close(), 0);
  } finally {
    client.kill();
  }
});

test('over stdio: a file inside a namespace tree gets the namespace\'s refusal as a diagnostic, and hovers name the namespace', async () => {
  const dir = await tempDir('stdio-ns');
  await writeFiles(dir, {
    'package.json': { name: 'app', version: '1.0.0', dependencies: { 'fixture-peer': '^1.0.0' } },
    '.npmrc': `registry=${registry.url}\n`,
    'multiverse.json': { namespaces: { tools: { dependencies: { 'fixture-esm': '1.0.0' } } } },
  });
  await installWith(dir, registry.url);
  await installProject(dir);
  const client = new StdioClient();
  try {
    await client.initialize(URI.file(dir).toString());
    const source = "import lib from 'fixture-lib';\nimport peer from 'fixture-peer';\n";
    const uri = URI.file(path.join(dir, '.multiverse', 'tools', 'node_modules', 'fixture-esm', 'index.js')).toString();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: source } });
    const diagnostics = await client.diagnosticsFor(uri, (d) => d.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['namespace-escape', 1]]);
    assert.match(diagnostics[0]?.message ?? '', /^Cannot find module 'fixture-peer' in namespace "tools".*add "fixture-peer" to its dependencies \(and run "multiverse install"\), or list it in "shared"/);
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(source, "'fixture-lib'") });
    assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /^namespace `tools` · \*\*fixture-lib@2\.0\.0\*\*/);
    assert.equal(await client.close(), 0);
  } finally {
    client.kill();
  }
});

test('over stdio on a real tree from the npm registry: express, and a ghost import of its hoisted debug', async () => {
  const dir = await tempDir('stdio-real');
  await writeFiles(dir, { 'package.json': { name: 'real', version: '1.0.0', dependencies: { express: '4.21.2' } } });
  await installWith(dir, 'https://registry.npmjs.org/');
  assert.deepEqual(canonical(await loadTree(dir, null)), canonical(await loadTree(dir, null, { forceActual: true })), 'the hidden-lockfile graph matches arborist on a real tree');
  const source = "const express = require('express');\nconst debug = require('debug');\n";
  await writeFiles(dir, { 'server.js': source });
  const client = new StdioClient();
  try {
    await client.initialize(URI.file(dir).toString());
    const uri = URI.file(path.join(dir, 'server.js')).toString();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: source } });
    const hover = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(source, "'express'") });
    assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /^main tree · \*\*express@4\.21\.2\*\* · commonjs/);
    const ghost = await client.diagnosticsFor(uri, (d) => d.length > 0);
    assert.deepEqual(ghost.map((d) => [d.code, d.range.start.line]), [['ghost', 1]]);
    assert.match(ghost[0]?.message ?? '', /It resolves to debug@2\.6\.9/);
    const tree = await client.connection.sendRequest(protocol.TreeRequest, { folder: URI.file(dir).toString() });
    assert.deepEqual(tree.items.map((i) => `${i.name}@${i.version}`), ['express@4.21.2']);
    assert.ok((tree.items[0]?.childCount ?? 0) > 25, 'express has its real dependencies');
    assert.equal(await client.close(), 0);
  } finally {
    client.kill();
  }
});
