import { access, mkdtemp, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Builds the folder `target` once and reuses it afterwards (it counts as built when its file
 * `marker` exists). `build` fills a fresh staging folder beside `target`, which is then renamed into
 * place, so no reader ever sees half a build. Test files run in parallel processes: when several
 * build at once, the first rename wins and the others drop their identical copies.
 */
export async function buildOnce(target: string, marker: string, build: (staging: string) => Promise<void>): Promise<void> {
  try {
    await access(path.join(target, marker));
    return;
  } catch {
    // not built yet
  }
  const staging = await mkdtemp(`${target}.tmp-`);
  try {
    await build(staging);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  try {
    await rename(staging, target);
  } catch {
    await rm(staging, { recursive: true, force: true });
  }
}
