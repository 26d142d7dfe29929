import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResult, parseCallArguments } from '../../client/src/model/call-arguments';

test('an array is the argument list, another value the only argument, nothing no arguments', () => {
  assert.deepEqual(parseCallArguments('[2, 3]'), { args: [2, 3] });
  assert.deepEqual(parseCallArguments(' {"a": 1} '), { args: [{ a: 1 }] });
  assert.deepEqual(parseCallArguments('"text"'), { args: ['text'] });
  assert.deepEqual(parseCallArguments('[[1, 2]]'), { args: [[1, 2]] });
  assert.deepEqual(parseCallArguments('   '), { args: [] });
});

test('invalid JSON is refused with the parser’s reason', () => {
  const parsed = parseCallArguments('[1, ');
  assert.ok('error' in parsed);
  assert.match(parsed.error, /^Not valid JSON: /);
});

test('results format as JSON and shorten for notifications', () => {
  assert.equal(formatResult(5), '5');
  assert.equal(formatResult(undefined), 'undefined');
  assert.equal(formatResult('hi'), '"hi"');
  assert.equal(formatResult({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}');
  assert.equal(formatResult(10n), '"10n"');
  assert.equal(formatResult('x'.repeat(50), 10), `"${'x'.repeat(8)}…`);
  assert.equal(formatResult('x'.repeat(50), 10).length, 10);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.equal(formatResult(cycle), '[object Object]');
});
