import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { InputError } from '../errors';

/** The `--project <dir>` option shared by the read commands. */
export const projectOption = { project: { type: 'string', short: 'C' } } as const;

export const projectHelp = '  -C, --project <dir>  the project folder (default: the current directory)';

/** The project folder a read command analyses: `--project`, else the working directory; it must exist. */
export async function projectDir(option: string | undefined, cwd: string): Promise<string> {
  const dir = path.resolve(cwd, option ?? '.');
  let isDirectory = false;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new InputError('ENOPROJECT', `${dir} is not a folder. Pass the project folder with --project <dir>.`);
  return dir;
}

/** Parses a non-negative integer option such as `--depth`. */
export function countOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InputError('EUSAGE', `--${name} must be a whole number of at least 0, got ${JSON.stringify(value)}`);
  return n;
}
