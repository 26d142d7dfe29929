import { mkdir, open, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { InputError } from '../errors';
import { isProcessAlive } from './process-alive';

/**
 * Holds `.multiverse/.install.lock` while `fn` runs, so two installs in one project (a terminal and
 * the editor, say) cannot swap trees and rewrite map.json under each other. A lock left by a
 * process that no longer exists is taken over.
 */
export async function withProjectLock<T>(projectDir: string, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(path.resolve(projectDir), '.multiverse');
  const file = path.join(dir, '.install.lock');
  // Within one process (a language server asked twice) the check is synchronous, so two calls
  // cannot both find the lock free; the file below covers other processes.
  if (heldHere.has(file)) throw locked(process.pid, projectDir, file);
  heldHere.add(file);
  try {
    await acquire(dir, file, projectDir);
    try {
      return await fn();
    } finally {
      await rm(file, { force: true });
    }
  } finally {
    heldHere.delete(file);
  }
}

const heldHere = new Set<string>();

async function acquire(dir: string, file: string, projectDir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(file, 'utf8').catch(() => ''));
      // This process's own pid here is a leftover of an earlier process that had it: installs in
      // this process are tracked in `heldHere`.
      if (attempt > 0 || (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isProcessAlive(owner))) throw locked(owner, projectDir, file);
      await rm(file, { force: true });
    }
  }
}

function locked(owner: number, projectDir: string, file: string): InputError {
  return new InputError('ELOCKED', `another multiverse install (process ${owner}) is running in ${projectDir}; wait for it to finish. If it is gone, delete ${file}.`);
}
