import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A file's text, or `null` when it does not exist; every other read error is thrown as it is. */
export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** {@link readTextIfExists}, for the few callers that cannot wait (routing set up under `node -r`). */
export function readTextIfExistsSync(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
