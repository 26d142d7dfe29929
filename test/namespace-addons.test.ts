import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createNamespace, MultiverseError } from 'multiverse';
import { writeFiles } from './support/workspace';

const run = promisify(execFile);

// A real N-API addon with process-wide static state, compiled here so the test needs no download.
const COUNTER_C = `#include <node_api.h>
static int count = 0;
static napi_value Increment(napi_env env, napi_callback_info info) {
  napi_value result;
  napi_create_int32(env, ++count, &result);
  return result;
}
NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "increment", NAPI_AUTO_LENGTH, Increment, NULL, &fn);
  napi_set_named_property(env, exports, "increment", fn);
  return exports;
}
`;

const headers = [path.join(path.dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find((dir) => existsSync(path.join(dir, 'node_api.h')));
const compiler = ['/usr/bin/cc', '/usr/bin/gcc', '/usr/local/bin/gcc'].find((file) => existsSync(file));
const skip = headers === undefined || compiler === undefined ? 'needs a C compiler and the Node headers (node_api.h)' : false;

let dir: string;

/** A namespace root with package `<name>` whose entry is a freshly compiled counter addon. */
async function addonRoot(name: string): Promise<string> {
  const root = path.join(dir, name);
  const pkg = path.join(root, 'node_modules', name);
  await writeFiles(pkg, { 'package.json': { name, version: '1.0.0', main: 'index.js' }, 'index.js': "module.exports = require('./counter.node');\n", 'counter.c': COUNTER_C });
  await run(compiler as string, ['-shared', '-fPIC', '-I', headers as string, '-o', path.join(pkg, 'counter.node'), path.join(pkg, 'counter.c')]);
  return root;
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'multiverse-addons-test-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Counter = { increment(): number };

test('an addon loads once; a second namespace gets an error naming it, or a private copy when it opts in', { skip }, async () => {
  const root = await addonRoot('counter-addon');
  const first = createNamespace({ name: 'first', root });
  const counter = first.require('counter-addon') as Counter;
  assert.deepEqual([counter.increment(), counter.increment()], [1, 2]);
  assert.equal(first.require('counter-addon'), counter, 'the owning namespace keeps its instance');

  const second = createNamespace({ name: 'second', root });
  assert.throws(
    () => second.require('counter-addon'),
    (error: unknown) =>
      error instanceof MultiverseError &&
      error.code === 'EADDONSHARED' &&
      error.message.includes(path.join(root, 'node_modules', 'counter-addon', 'counter.node')) &&
      error.message.includes('(package counter-addon)') &&
      error.message.includes('namespace "first"') &&
      error.message.includes('isolation "process"') &&
      error.message.includes('{ addons: "copy" }'),
  );

  const copied = createNamespace({ name: 'copied', root, addons: 'copy' });
  const copy = copied.require('counter-addon') as Counter;
  assert.equal(copy.increment(), 1, 'a byte copy is a new library with its own static state');
  assert.equal(counter.increment(), 3, 'the original keeps counting on its own');
  for (const ns of [first, second, copied]) ns.dispose();
});

test('an addon the host application loaded is refused by name', { skip }, async () => {
  const root = await addonRoot('host-addon');
  const file = path.join(root, 'node_modules', 'host-addon', 'counter.node');
  (createRequire(__filename)(file) as Counter).increment();
  const ns = createNamespace({ name: 'late', root });
  assert.throws(() => ns.require('host-addon'), /already loaded by the host application/);
  ns.dispose();
});
