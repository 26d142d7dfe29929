import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { InputError } from '../errors';
import { readTextIfExists } from '../read-optional';

/** A manifest (package.json) that is not valid JSON; carries the position of the first error. */
export class ManifestError extends InputError {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;

  constructor(file: string, line: number, column: number, detail: string) {
    super('EJSONPARSE', `${file}:${line}:${column}: ${detail}. Fix the JSON and the analysis runs again.`);
    this.name = 'ManifestError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/**
 * Reads and parses a package.json, or returns `null` when there is none. Checked before arborist
 * sees it because arborist swallows a parse error into an empty manifest, which would make every
 * dependency look removed while the user is halfway through typing.
 */
export async function readManifest(file: string): Promise<Record<string, unknown> | null> {
  const text = await readTextIfExists(file);
  return text === null ? null : parseManifest(text, file);
}

export function parseManifest(text: string, file: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first) {
    const { line, column } = positionAt(text, first.offset);
    // "ValueExpected" → "value expected": the message is read by people, the code by nobody.
    throw new ManifestError(file, line, column, printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestError(file, 1, 1, 'a package.json must hold a JSON object');
  return value as Record<string, unknown>;
}

function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
