// Every sh, js and ts block of README.md and runtime/README.md runs as written, in order, in a
// scratch project the way a reader follows along: a copy of demo/ (the app the READMEs use as
// their example) with the packed runtime beside it as multiverse-<version>.tgz, npm pointed at the
// fixture registry (fixture packages plus the real packages the snippets install). Blocks that
// cannot run alone carry `<!-- doc-test: fragment: <reason> -->`; a block written as a file that
// later blocks use carries `<!-- doc-test: file <path> -->` (see CONTRIBUTING.md).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { docBlocks, type DocBlock } from './support/doc-blocks';
import { docRegistryPackages } from './support/doc-registry';
import { repoRoot } from './support/paths';
import { startFixtureRegistry, type FixtureRegistry } from './support/registry';

const run = promisify(execFile);
const DOCUMENTS = ['README.md', 'runtime/README.md'];
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'runtime', 'package.json'), 'utf8')) as { version: string }).version;

let registry: FixtureRegistry;
let work: string;
let tarball: string;

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'multiverse-docs-'));
  registry = await startFixtureRegistry(await docRegistryPackages());
  // The package as `npm pack` makes it from the build `npm test` just made (prepack's clean build
  // is what `npm run pack` adds; the package test checks that both ship the same list).
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: path.join(repoRoot, 'runtime'), maxBuffer: 16 * 1024 * 1024 });
  tarball = path.join(work, (JSON.parse(stdout) as { filename: string }[])[0]?.filename ?? '');
});

after(async () => {
  await registry.close();
  await rm(work, { recursive: true, force: true });
});

/** npm and node as a reader's shell has them, with npm installing from the fixture registry. */
function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Settings npm passes to `npm test` must not leak into the reader's commands.
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'MULTIVERSE_PROJECT') env[key] = value;
  return {
    ...env,
    // The Node line running the tests runs the snippets, npm and npx too.
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_registry: registry.url,
    npm_config_cache: path.join(work, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

function execute(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: environment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** ES module syntax at the top level makes a js block an ES module; otherwise it is CommonJS. */
function isModule(code: string): boolean {
  return /^(import|export)\s/m.test(code);
}

async function runBlock(block: DocBlock, project: string): Promise<void> {
  if (block.mode.kind === 'file') {
    const file = path.join(project, block.mode.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, block.code);
    return;
  }
  const base = `doc-block-${block.where.replace(/\W+/g, '-')}`;
  let result: { code: number | null; output: string };
  if (block.language === 'sh') {
    result = await execute('bash', ['-e', '-o', 'pipefail', '-c', block.code], project);
  } else if (block.language === 'js') {
    const file = path.join(project, `${base}.${isModule(block.code) ? 'mjs' : 'cjs'}`);
    await writeFile(file, block.code);
    result = await execute(process.execPath, [file], project);
    await rm(file);
  } else {
    // TypeScript: typechecked strictly against the installed package's own types, then run.
    const file = path.join(project, `${base}.${isModule(block.code) ? 'mts' : 'cts'}`);
    await writeFile(file, block.code);
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    result = await execute(process.execPath, [tsc, '--strict', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--typeRoots', path.join(repoRoot, 'node_modules', '@types'), file], project);
    const output = file.replace(/\.([mc])ts$/, '.$1js');
    if (result.code === 0) result = await execute(process.execPath, [output], project);
    await rm(file);
    await rm(output, { force: true });
  }
  const hint = /\b404\b|E404|No matching version/.test(result.output)
    ? '\n(The fixture registry serves the fixture packages, the runtime\'s dependencies and DOC_PACKAGES in test/support/doc-registry.ts: add what the snippet installs there.)'
    : '';
  assert.equal(result.code, 0, `${block.where} (${block.language}) failed with exit code ${result.code}:\n${block.code}\n--- output ---\n${result.output.slice(-6000)}${hint}`);
}

for (const document of DOCUMENTS) {
  test(`every sh, js and ts block of ${document} runs as written in a project with the packed runtime`, async (t) => {
    const blocks = docBlocks(document, readFileSync(path.join(repoRoot, document), 'utf8'));
    const project = path.join(work, document.replace(/\W+/g, '-'));
    cpSync(path.join(repoRoot, 'demo'), project, { recursive: true, filter: (src) => !/[\\/](node_modules|\.multiverse)$/.test(src) });
    cpSync(tarball, path.join(project, `multiverse-${version}.tgz`));
    // Where the READMEs start: an app npm refuses, so the runtime cannot be npm-installed into it yet.
    const refused = await execute('npm', ['install', '--dry-run'], project);
    assert.notEqual(refused.code, 0, refused.output);
    assert.match(refused.output, /ERESOLVE/);
    for (const block of blocks) if (block.mode.kind !== 'fragment') await runBlock(block, project);
    const counts = { run: blocks.filter((b) => b.mode.kind === 'run').length, file: blocks.filter((b) => b.mode.kind === 'file').length, fragment: blocks.filter((b) => b.mode.kind === 'fragment').length };
    t.diagnostic(`${document}: ${counts.run} blocks run, ${counts.file} written as files, ${counts.fragment} fragments`);
    assert.ok(counts.run > 0, `${document} has no block that runs`);
    assert.deepEqual((await readdir(project)).filter((f) => f.startsWith('doc-block-')), []);
  });
}

test('the doc test refuses a marker it does not know, a fragment without a reason, and a marker before a block it never runs', () => {
  assert.throws(() => docBlocks('x.md', '<!-- doc-test: skip -->\n```sh\ntrue\n```\n'), /x\.md:2: unknown doc-test marker "skip"/);
  assert.throws(() => docBlocks('x.md', '<!-- doc-test: fragment: -->\n```js\n1\n```\n'), /unknown doc-test marker/);
  assert.throws(() => docBlocks('x.md', '<!-- doc-test: fragment: a reason -->\n```json\n{}\n```\n'), /never runs/);
  assert.throws(() => docBlocks('x.md', '<!-- doc-test: file ../outside.js -->\n```js\n1\n```\n'), /unknown doc-test marker/);
  const blocks = docBlocks('x.md', 'text\n<!-- doc-test: fragment: needs a server -->\n```sh\nserve\n```\n\n```js\nrun()\n```\n<!-- doc-test: file lib/a.js -->\n~~~js\nexports.a = 1;\n~~~\n```lua\nprint(1)\n```\n');
  assert.deepEqual(
    blocks.map((b) => [b.where, b.language, b.mode]),
    [
      ['x.md:3', 'sh', { kind: 'fragment', reason: 'needs a server' }],
      ['x.md:7', 'js', { kind: 'run' }],
      ['x.md:11', 'js', { kind: 'file', path: 'lib/a.js' }],
    ],
  );
  assert.ok(existsSync(path.join(repoRoot, 'CONTRIBUTING.md')) && readFileSync(path.join(repoRoot, 'CONTRIBUTING.md'), 'utf8').includes('doc-test: fragment:'), 'CONTRIBUTING.md documents the marker');
});
