import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { URI } from 'vscode-uri';
import { applyToDisk, markdown, open, positionOf as at, started } from './support/lsp-session';
import { installWithManager, MANAGER_SETUPS, type ManagerSetup } from './support/package-managers';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';
import { tempDir, writeFiles } from './support/workspace';

let registry: FixtureRegistry;
before(async () => {
  registry = await startFixtureRegistry();
});
after(() => registry.close());

const SOURCE = `import dual from 'fixture-dual';
import lib from 'fixture-lib';
import peer from 'fixture-peer';
import missing from 'fixture-undeclared';
`;

async function app(setup: ManagerSetup, dependencies: Record<string, string>): Promise<string> {
  const dir = await tempDir(`lsp-${setup}`);
  const manifest = { name: 'app', version: '1.0.0', ...(setup.startsWith('yarn-berry') ? { packageManager: 'yarn@4.18.1' } : {}), dependencies };
  // Namespaces install with arborist, from the registry the project's manager uses (.npmrc here).
  await writeFiles(dir, { 'package.json': manifest, '.npmrc': `registry=${registry.url}\n`, 'src/app.mjs': SOURCE });
  await installWithManager(dir, setup, registry.url);
  return dir;
}

test('pnpm: the peer conflict in pnpm\'s words on package.json, hovers through node_modules/.pnpm, and Isolate installs a namespace routed from the pnpm layout', async () => {
  const dir = await app('pnpm', { 'fixture-dual': '^1.0.0', 'fixture-lib': '^2.0.0', 'fixture-peer': '^1.0.0' });
  const { server, host, folder } = await started(dir);
  assert.ok(host.watched.includes('**/node_modules/.pnpm/lock.yaml') && host.watched.includes('**/pnpm-lock.yaml'));
  const pkgUri = URI.file(path.join(dir, 'package.json')).toString();
  const published = host.diagnostics.get(pkgUri) ?? [];
  assert.deepEqual(published.map((d) => [d.code, d.relatedInformation?.length]), [['peer', 1]], 'one diagnostic per conflict, the other entry related');
  assert.match(published[0]?.message ?? '', /Unmet peer \(pnpm\): fixture-peer@1\.0\.0 ✕ unmet peer fixture-lib@\^1\.0\.0: found 2\.0\.0/);

  const uri = open(server, path.join(dir, 'src', 'app.mjs'), SOURCE);
  assert.deepEqual((host.diagnostics.get(uri) ?? []).map((d) => [d.code, d.range.start.line]), [['ghost', 3]]);
  const libHover = markdown(await server.hover({ textDocument: { uri }, position: at(SOURCE, "'fixture-lib'") }));
  assert.match(libHover, /^main tree · \*\*fixture-lib@2\.0\.0\*\* · commonjs/);
  assert.match(libHover, /node\\_modules\/\.pnpm\/fixture-lib@2\.0\.0\/node\\_modules\/fixture-lib\/lib\/main\.js/);
  assert.match(libHover, /Required by: `\(root\) > fixture-lib@2\.0\.0`, `\(root\) > fixture-peer@1\.0\.0 > fixture-lib@2\.0\.0`/);
  assert.match(libHover, /Other copies: fixture-lib@1\.0\.0 \(main tree\)/);

  const manifest = await readFile(path.join(dir, 'package.json'), 'utf8');
  open(server, path.join(dir, 'package.json'), manifest, 'json');
  const actions = await server.codeAction({ textDocument: { uri: pkgUri }, range: { start: at(manifest, '"fixture-peer"', 3), end: at(manifest, '"fixture-peer"', 3) }, context: { diagnostics: published } });
  const isolate = actions.find((a) => a.title === "Isolate dependency 'fixture-peer'");
  assert.ok(isolate, `actions: ${actions.map((a) => a.title).join(', ')}`);
  await applyToDisk(isolate);
  assert.match(await server.executeCommand({ command: isolate.command?.command ?? '', arguments: isolate.command?.arguments }), /Isolated fixture-peer into namespace "fixture-peer-1" \(fixture-peer-1 installed\); the main tree belongs to the project's package manager: run "pnpm install"/);
  assert.ok(!existsSync(path.join(dir, 'package-lock.json')) && existsSync(path.join(dir, 'node_modules', '.pnpm')), 'npm\'s installer left the pnpm tree alone');
  await server.settled();
  assert.deepEqual((await server.conflicts({ folder })).folders[0]?.conflicts, []);
  const peerHover = markdown(await server.hover({ textDocument: { uri }, position: at(SOURCE, "'fixture-peer'") }));
  assert.match(peerHover, /^namespace `fixture-peer-1` · \*\*fixture-peer@1\.0\.0\*\*/);
  server.shutdown();
});

test('Yarn Plug\'n\'Play: no findings on a clean install, hovers resolve into the zip cache as Yarn does, an undeclared import is an error', async () => {
  const dir = await app('yarn-berry-pnp', { 'fixture-dual': '^1.0.0', 'fixture-lib': '^1.0.0', 'fixture-peer': '^1.0.0' });
  const { server, host, folder } = await started(dir);
  assert.deepEqual((await server.conflicts({ folder })).folders[0]?.conflicts, []);
  assert.deepEqual(host.diagnostics.get(URI.file(path.join(dir, 'package.json')).toString()) ?? [], []);

  const uri = open(server, path.join(dir, 'src', 'app.mjs'), SOURCE);
  const diagnostics = host.diagnostics.get(uri) ?? [];
  assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['ghost', 1, 3]], 'PnP refuses what the package does not declare, so it is an error');
  assert.match(diagnostics[0]?.message ?? '', /"fixture-undeclared" is not declared in package\.json/);

  const libHover = markdown(await server.hover({ textDocument: { uri }, position: at(SOURCE, "'fixture-lib'") }));
  assert.match(libHover, /^main tree · \*\*fixture-lib@1\.0\.0\*\* · commonjs/);
  assert.match(libHover, /\.yarn\/cache\/fixture-lib-npm-1\.0\.0-[0-9a-f]+-[0-9a-f]+\.zip\/node\\_modules\/fixture-lib\/index\.js/);
  assert.match(libHover, /Required by: `\(root\) > fixture-lib@1\.0\.0`, `\(root\) > fixture-dual@1\.0\.0 > fixture-lib@1\.0\.0`, `\(root\) > fixture-peer@1\.0\.0 > fixture-lib@1\.0\.0`/);
  const peerHover = markdown(await server.hover({ textDocument: { uri }, position: at(SOURCE, "'fixture-peer'") }));
  assert.match(peerHover, /^main tree · \*\*fixture-peer@1\.0\.0\*\*/);
  assert.match(peerHover, /\.yarn\/\\_\\_virtual\\_\\_\/fixture-peer-virtual-/);
  const resolved = await server.resolve({ uri, specifier: 'fixture-dual' });
  assert.match(resolved?.uri ?? '', /fixture-dual\/esm\/index\.mjs$/);
  server.shutdown();
});

test('Yarn Plug\'n\'Play: an injected peer conflict is one diagnostic, the other side related, in Yarn\'s words', async () => {
  const dir = await app('yarn-berry-pnp', { 'fixture-lib': '^2.0.0', 'fixture-peer': '^1.0.0' });
  const { server, host } = await started(dir);
  const published = host.diagnostics.get(URI.file(path.join(dir, 'package.json')).toString()) ?? [];
  assert.deepEqual(published.map((d) => [d.code, d.relatedInformation?.length]), [['peer', 1]]);
  assert.match(published[0]?.message ?? '', /YN0060\): fixture-lib is provided with version 2\.0\.0, which doesn't satisfy what fixture-peer requests \(\^1\.0\.0\)/);
  server.shutdown();
});

test('the Problems panel stays empty on a clean install of every package manager', async () => {
  const source = "import dual from 'fixture-dual';\nimport lib from 'fixture-lib';\nimport peer from 'fixture-peer';\nimport esm from 'fixture-esm';\n";
  for (const setup of MANAGER_SETUPS) {
    const dir = await app(setup, { 'fixture-dual': '^1.0.0', 'fixture-esm': '^1.0.0', 'fixture-lib': '^1.0.0', 'fixture-peer': '^1.0.0' });
    await writeFiles(dir, { 'src/app.mjs': source });
    const { server, host } = await started(dir);
    const manifest = await readFile(path.join(dir, 'package.json'), 'utf8');
    open(server, path.join(dir, 'package.json'), manifest, 'json');
    const uri = open(server, path.join(dir, 'src', 'app.mjs'), source);
    const published = [...host.diagnostics].filter(([, diagnostics]) => diagnostics.length > 0);
    assert.deepEqual(published, [], `${setup}: ${JSON.stringify(published)}`);
    assert.match(markdown(await server.hover({ textDocument: { uri }, position: at(source, "'fixture-esm'") })), /^main tree · \*\*fixture-esm@1\.0\.0\*\* · module/, setup);
    server.shutdown();
  }
});
