import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imports } from './support/lsp';

const { findImports, importAt, packageNameOf } = imports;

test('finds every import form with exact specifier offsets and the conditions Node uses', () => {
  const text = [
    "import a from 'pkg-a';",
    "import type { T } from 'types-only';",
    "export * from './local.js';",
    "export type { U } from 'type-export';",
    "import fs = require('node:fs');",
    "const b = require(`pkg-b`);",
    "const c = require.resolve('pkg-c/sub');",
    "const d = await import('@scope/pkg-d');",
    "const e = import.meta.resolve('pkg-e');",
    "// require('commented-out')",
    "const s = \"require('in-a-string')\";",
    "const dynamic = require(name);",
    "const tpl = require(`pkg-${x}`);",
  ].join('\n');
  const sites = findImports('/p/file.mts', text);
  assert.deepEqual(
    sites.map((s) => [s.specifier, s.kind, s.conditions, s.typeOnly]),
    [
      ['pkg-a', 'import', 'import', false],
      ['types-only', 'import', 'import', true],
      ['./local.js', 'export', 'import', false],
      ['type-export', 'export', 'import', true],
      ['node:fs', 'import-equals', 'require', false],
      ['pkg-b', 'require', 'require', false],
      ['pkg-c/sub', 'require-resolve', 'require', false],
      ['@scope/pkg-d', 'dynamic-import', 'import', false],
      ['pkg-e', 'import-meta-resolve', 'import', false],
    ],
  );
  for (const site of sites) assert.equal(text.slice(site.start, site.end), site.specifier);
  const offset = text.indexOf('pkg-c');
  assert.equal(importAt(sites, offset)?.specifier, 'pkg-c/sub');
  assert.equal(importAt(sites, offset - 1)?.specifier, 'pkg-c/sub', 'the opening quote counts');
  assert.equal(importAt(sites, text.indexOf('commented-out')), undefined);
});

test('half-typed code still yields the imports that parse', () => {
  const sites = findImports('/p/file.tsx', "import React from 'react';\nconst x = <div>{require('left-pad')\nimport { a } from '");
  assert.deepEqual(
    sites.map((s) => s.specifier),
    ['react', 'left-pad'],
  );
});

test('package names of bare specifiers', () => {
  assert.equal(packageNameOf('lodash/fp'), 'lodash');
  assert.equal(packageNameOf('@scope/name/deep/file.js'), '@scope/name');
  assert.equal(packageNameOf('@scope'), null);
  for (const notBare of ['./x', '../x', '/abs', '#internal', 'node:fs', 'file:///x', 'https://x']) assert.equal(packageNameOf(notBare), null, notBare);
});
