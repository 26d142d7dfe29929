import assert from 'node:assert/strict';
import { test } from 'node:test';
import { declaredExtensions } from '../../client/src/model/declared-extensions';

test('lists declared extensions by name with path, isolation and dependencies', () => {
  const text = `{
    // comments and trailing commas are fine while typing
    "namespaces": {},
    "extensions": {
      "csv-tools": { "path": "extensions/csv-tools", "isolation": "process", "dependencies": { "csv-parse": "^5.5.0" } },
      "adder": { "path": "extensions/adder" },
    },
  }`;
  assert.deepEqual(declaredExtensions(text, 'worker'), [
    { name: 'adder', path: 'extensions/adder', isolation: 'worker', dependencies: {} },
    { name: 'csv-tools', path: 'extensions/csv-tools', isolation: 'process', dependencies: { 'csv-parse': '^5.5.0' } },
  ]);
});

test('the default isolation fills in only where none is declared', () => {
  const text = '{ "extensions": { "a": { "path": "a" }, "b": { "path": "b", "isolation": "worker" } } }';
  assert.deepEqual(
    declaredExtensions(text, 'process').map((e) => e.isolation),
    ['process', 'worker'],
  );
});

test('entries the runtime could not load are left out; broken files give nothing', () => {
  const text = '{ "extensions": { "no-path": {}, "empty": { "path": "" }, "odd": 3, "bad-deps": { "path": "x", "isolation": "thread", "dependencies": { "a": 1, "b": "^1" } } } }';
  assert.deepEqual(declaredExtensions(text, 'worker'), [{ name: 'bad-deps', path: 'x', isolation: 'worker', dependencies: { b: '^1' } }]);
  assert.deepEqual(declaredExtensions('{ "extensions": [] }', 'worker'), []);
  assert.deepEqual(declaredExtensions('not json at all', 'worker'), []);
  assert.deepEqual(declaredExtensions('', 'worker'), []);
});
