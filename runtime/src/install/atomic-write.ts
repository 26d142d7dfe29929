import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';

/**
 * Writes `file` by writing a temporary file beside it and renaming it over the original, so a
 * crash or a full disk never leaves a truncated file: readers see the old content or the new.
 * The new file keeps the old one's permissions (a package.json may be read-only to others).
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const mode = await stat(file).then(
    (info) => info.mode & 0o777,
    () => undefined,
  );
  try {
    await writeFile(temp, content);
    // chmod, not writeFile's mode option, which the umask would narrow.
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
