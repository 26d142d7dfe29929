import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { ConfigError, InputError } from 'multiverse';
import { namespaceFor, parseConfig, readConfig } from 'multiverse/tooling';
import { repoRoot } from './support/paths';

const FILE = '/project/multiverse.json';

function problemsOf(text: string): ConfigError {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the config to be refused');
}

test('parses the brief example with defaults filled in', () => {
  const config = parseConfig(
    `{
      // comments are fine, as in VS Code settings
      "namespaces": { "legacy": { "dependencies": { "react": "17.0.2", "old-widget": "^1.2.0" },
                                  "shared": ["some-singleton"], "scope": ["src/legacy/**"] } },
      "extensions": { "csv-tools": { "path": "extensions/csv-tools", "isolation": "process",
                                     "dependencies": { "csv-parse": "^5.5.0" } },
                      "plain": { "path": "extensions/plain" } },
    }`,
    FILE,
  );
  assert.equal(config.file, FILE);
  assert.deepEqual(config.namespaces, {
    legacy: { dependencies: { react: '17.0.2', 'old-widget': '^1.2.0' }, shared: ['some-singleton'], scope: ['src/legacy/**'] },
  });
  assert.deepEqual(config.extensions.plain, { path: 'extensions/plain', isolation: 'worker', dependencies: {} });
  assert.equal(config.extensions['csv-tools']?.isolation, 'process');
});

test('reports every problem with its 1-based line, column and JSON path', () => {
  const text = [
    '{',
    '  "namespaces": {',
    '    "../evil": { "dependencies": { "a": "1" } },',
    '    "ok": { "dependencies": { "react": "^1.2.x.y", "Bad Name": "1" }, "scop": [] }',
    '  }',
    '}',
  ].join('\n');
  const error = problemsOf(text);
  assert.ok(error instanceof InputError);
  assert.equal(error.code, 'ECONFIG');
  const byPath = Object.fromEntries(error.problems.map((p) => [p.path, p]));
  assert.deepEqual(Object.keys(byPath).sort(), ['namespaces.../evil', 'namespaces.ok.dependencies.Bad Name', 'namespaces.ok.dependencies.react', 'namespaces.ok.scop']);
  assert.deepEqual([byPath['namespaces.../evil']?.line, byPath['namespaces.../evil']?.column], [3, 5]);
  assert.match(byPath['namespaces.../evil']?.message ?? '', /namespace name "\.\.\/evil" must not contain "\.\."; rename it/);
  assert.deepEqual([byPath['namespaces.ok.dependencies.react']?.line, byPath['namespaces.ok.dependencies.react']?.column], [4, 40]);
  assert.match(byPath['namespaces.ok.dependencies.react']?.message ?? '', /"\^1\.2\.x\.y" is not a valid version spec for "react".*Use a version/);
  assert.match(byPath['namespaces.ok.dependencies.Bad Name']?.message ?? '', /not a valid npm package name/);
  assert.match(byPath['namespaces.ok.scop']?.message ?? '', /unknown key "scop".*did you mean "scope"\?/);
  assert.equal(error.line, error.problems[0]?.line);
  assert.match(error.message, /multiverse\.json:3:5: /);
});

test('refuses hostile namespace and extension names and paths', () => {
  for (const name of ['a/b', 'a\\\\b', '..', '.hidden', 'tab\\there', '-rf']) {
    const error = problemsOf(`{ "namespaces": { "${name}": { "dependencies": { "a": "1" } } } }`);
    assert.equal(error.problems.length, 1, name);
    assert.match(error.problems[0]?.message ?? '', /namespace name/, name);
  }
  const ext = problemsOf('{ "extensions": { "x": { "path": "../outside" }, "y": { "path": "/etc" }, "z": { "isolation": "vm", "path": "e" } } }');
  assert.deepEqual(
    ext.problems.map((p) => p.path),
    ['extensions.x.path', 'extensions.y.path', 'extensions.z.isolation'],
  );
});

test('reports JSON syntax errors, wrong types and missing fields with positions', () => {
  const syntax = problemsOf('{\n  "namespaces": {\n    "a": { "dependencies": { "x": "1" } \n  }\n');
  assert.match(syntax.problems[0]?.message ?? '', /JSON syntax error/);
  assert.ok((syntax.problems[0]?.line ?? 0) >= 3);
  assert.match(problemsOf('[]').problems[0]?.message ?? '', /top level must be an object/);
  assert.match(problemsOf('').problems[0]?.message ?? '', /empty/);
  const types = problemsOf('{ "namespaces": { "a": { "dependencies": { "x": 1 } }, "b": {}, "c": { "dependencies": {} }, "d": { "dependencies": { "y": "1" }, "scope": ["/abs/**", "../up/**", "./src/**"] } } }');
  const messages = types.problems.map((p) => p.message).join('\n');
  assert.match(messages, /version spec of "x" must be a string/);
  assert.match(messages, /namespace "b" has no "dependencies"/);
  assert.match(messages, /namespace "c" declares no dependencies/);
  assert.match(messages, /"\/abs\/\*\*" is absolute/);
  assert.match(messages, /"\.\.\/up\/\*\*" leaves the project root/);
  assert.match(messages, /starts with "\.\/"; drop it/);
  assert.match(problemsOf('{ "namespaces": {}, "namespaces": {} }').problems[0]?.message ?? '', /appears twice/);
});

test('a package declared by several namespaces needs scopes that decide', () => {
  const ambiguous = problemsOf('{ "namespaces": { "a": { "dependencies": { "react": "17" } }, "b": { "dependencies": { "react": "18" } } } }');
  assert.equal(ambiguous.problems.length, 1);
  assert.equal(ambiguous.problems[0]?.path, 'namespaces.b.dependencies.react');
  assert.match(ambiguous.problems[0]?.message ?? '', /"react" is ambiguous: namespaces "a" and "b" both declare it without a "scope"/);
  const sameGlob = problemsOf('{ "namespaces": { "a": { "dependencies": { "react": "17" }, "scope": ["src/**"] }, "b": { "dependencies": { "react": "18" }, "scope": ["src/**"] } } }');
  assert.match(sameGlob.problems[0]?.message ?? '', /both have the scope "src\/\*\*"/);

  const config = parseConfig(
    '{ "namespaces": { "old": { "dependencies": { "react": "17" }, "scope": ["src/legacy/**"] }, "new": { "dependencies": { "react": "18", "x": "1" } }, "other": { "dependencies": { "react": "16" }, "scope": ["src/legacy/special/**"] } } }',
    FILE,
  );
  assert.equal(namespaceFor(config, 'react', 'src/legacy/a.js'), 'old');
  assert.equal(namespaceFor(config, 'react', 'src/app.js'), 'new');
  assert.equal(namespaceFor(config, 'lodash', 'src/app.js'), null);
  assert.throws(() => namespaceFor(config, 'react', 'src/legacy/special/b.js'), /namespaces "old" and "other" both declare/);
});

test('readConfig returns null without a file and strips a byte-order mark', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'multiverse-config-'));
  try {
    assert.equal(await readConfig(dir), null);
    await writeFile(path.join(dir, 'multiverse.json'), '\uFEFF{ "namespaces": { "a": { "dependencies": { "x": "1" } } } }');
    const config = await readConfig(dir);
    assert.equal(config?.file, path.join(dir, 'multiverse.json'));
    assert.deepEqual(Object.keys(config?.namespaces ?? {}), ['a']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the shipped JSON Schema agrees with the validator on valid and invalid files', async () => {
  const schema = JSON.parse(await readFile(path.join(repoRoot, 'runtime', 'schema', 'multiverse.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const samples = [
    '{ "namespaces": { "legacy": { "dependencies": { "react": "17.0.2" }, "shared": ["x"], "scope": ["src/**"] } }, "extensions": { "e": { "path": "ext/e", "isolation": "process" } } }',
    '{ "$schema": "./node_modules/multiverse/schema/multiverse.schema.json", "namespaces": {} }',
    '{ "namespaces": { "../x": { "dependencies": { "a": "1" } } } }',
    '{ "namespaces": { "a": { "dependencies": {} } } }',
    '{ "namespaces": { "a": { "dependencies": { "a": "1" }, "scope": ["../x"] } } }',
    '{ "namespaces": { "a": { "dependencies": { "Bad Name": "1" } } } }',
    '{ "extensions": { "e": { "path": "../e" } } }',
    '{ "extensions": { "e": { "path": "e", "isolation": "vm" } } }',
    '{ "namespacez": {} }',
  ];
  for (const text of samples) {
    let accepted = true;
    try {
      parseConfig(text, FILE);
    } catch {
      accepted = false;
    }
    assert.equal(validate(JSON.parse(text)), accepted, `schema and validator disagree on ${text}`);
  }
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[] } };
  const registered = manifest.contributes.jsonValidation.find((v) => v.fileMatch === 'multiverse.json');
  assert.ok(registered, 'the extension registers a schema for multiverse.json');
  // The extension's copy (inside the .vsix, which holds dist/ only) is the runtime package's schema.
  assert.equal(await readFile(path.join(repoRoot, registered.url), 'utf8'), await readFile(path.join(repoRoot, 'runtime', 'schema', 'multiverse.schema.json'), 'utf8'));
});
