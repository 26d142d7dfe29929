import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { createNamespace } from 'multiverse';
import { installRealPackages } from './support/resolver-project';

// Real npm packages (installed from the registry once per machine) loaded in namespaces with both
// ESM strategies: CommonJS with many internal requires (semver), exports maps with conditions
// (uuid, nanoid, preact), ESM-only with #imports (chalk).
for (const esm of ['paths', 'hooks'] as const) {
  test(`real packages load in a namespace as they do natively [esm: ${esm}]`, async () => {
    const root = await installRealPackages();
    const ns = createNamespace({ name: `real-${esm}`, root, esm });
    const native = createRequire(path.join(root, 'index.js'));

    const semver = ns.require('semver') as { satisfies(v: string, r: string): boolean; SemVer: new (v: string) => unknown };
    assert.equal(semver.satisfies('1.2.3', '^1.0.0'), true);
    assert.notEqual(semver, native('semver'), 'the namespace has its own instance');
    assert.ok(new semver.SemVer('1.0.0') instanceof semver.SemVer);

    const uuid = ns.require('uuid') as { v4(): string; validate(id: string): boolean };
    assert.equal(uuid.validate(uuid.v4()), true);
    const uuidEsm = await ns.import<{ v4(): string; validate(id: string): boolean }>('uuid');
    assert.equal(uuidEsm.validate(uuidEsm.v4()), true);

    const { nanoid } = await ns.import<{ nanoid(size?: number): string }>('nanoid');
    assert.equal(nanoid(10).length, 10);

    const chalk = (await ns.import<{ default: { red(text: string): string } }>('chalk')).default;
    assert.equal(typeof chalk.red('x'), 'string');

    const preact = await ns.import<{ h: (...args: unknown[]) => { type: unknown } }>('preact');
    const hooks = await ns.import<{ useState: unknown }>('preact/hooks');
    assert.equal(preact.h('div', null).type, 'div');
    assert.equal(typeof hooks.useState, 'function');
    const preactCjs = ns.require('preact') as { h: unknown };
    assert.equal(typeof preactCjs.h, 'function');

    const listed = new Set(ns.modules().map((m) => m.packageName));
    for (const name of ['semver', 'uuid', 'nanoid', 'chalk', 'preact']) assert.ok(listed.has(name), `modules() lists ${name}`);
    ns.dispose();
  });
}
