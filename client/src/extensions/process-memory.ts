import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Resident memory of a process in bytes, or undefined where `ps` cannot tell (Windows, a process that is gone). */
export async function residentMemory(pid: number): Promise<number | undefined> {
  if (process.platform === 'win32') return undefined;
  try {
    const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)]);
    const kilobytes = Number.parseInt(stdout.trim(), 10);
    return Number.isFinite(kilobytes) ? kilobytes * 1024 : undefined;
  } catch {
    return undefined;
  }
}
