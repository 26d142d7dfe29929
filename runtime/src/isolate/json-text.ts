import { applyEdits, modify, parseTree, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { positionAt } from '../config/text-position';
import { InputError } from '../errors';

/** The indentation and line ending a JSON file already uses, so inserted text matches it. */
export function detectFormatting(text: string): FormattingOptions {
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/**
 * Sets (or, with `undefined`, removes) the value at `jsonPath`, touching nothing else in the text.
 * A new property joins an object whose keys are in alphabetical order at its place in that order,
 * as npm keeps dependencies sorted; in any other object it goes last.
 */
export function editJson(text: string, jsonPath: string[], value: unknown): string {
  const name = jsonPath.at(-1) ?? '';
  const getInsertionIndex = (keys: string[]): number => (keys.every((key, i) => i === 0 || (keys[i - 1] as string).localeCompare(key, 'en') <= 0) ? keys.filter((key) => key.localeCompare(name, 'en') < 0).length : keys.length);
  return applyEdits(text, modify(text, jsonPath, value, { formattingOptions: detectFormatting(text), getInsertionIndex }));
}

/** Parses a strict JSON file (package.json), reporting a syntax error with its line and column. */
export function parseJsonFile(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const { line, column } = positionAt(text, first?.offset ?? 0);
    const what = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'empty file';
    throw new InputError('EJSONPARSE', `${file}:${line}:${column}: JSON syntax error (${what}). Fix the file; nothing was changed.`);
  }
  return JSON.parse(text) as unknown;
}
