import * as path from 'node:path';
import { InputError } from '../errors';
import type { ConfigProblem } from './types';

/**
 * A multiverse.json that cannot be used. Carries every problem found, not just the first, so one
 * edit-and-retry fixes them all; `line`/`column` are those of the first problem, for callers that
 * show only one location.
 */
export class ConfigError extends InputError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    const first = problems[0] ?? { message: 'invalid configuration', line: 1, column: 1, path: '' };
    const shown = path.relative(process.cwd(), file) || file;
    const lines = problems.map((p) => `${shown}:${p.line}:${p.column}: ${p.message}`);
    super('ECONFIG', `${problems.length === 1 ? 'a problem' : `${problems.length} problems`} in ${file}:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.file = file;
    this.line = first.line;
    this.column = first.column;
    this.problems = problems;
  }
}
