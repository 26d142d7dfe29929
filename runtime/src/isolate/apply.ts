import { rm } from 'node:fs/promises';
import { writeFileAtomic } from '../install/atomic-write';
import type { FileEdit, ManifestEdits } from './plan';

/**
 * Writes both edits of a plan, each atomically (temp file, then rename). multiverse.json goes
 * first: if package.json cannot be written, multiverse.json is put back, so the dependency is never
 * in neither file nor half-moved.
 */
export async function applyIsolation(plan: ManifestEdits): Promise<void> {
  await writeFileAtomic(plan.config.file, plan.config.after);
  try {
    await writeFileAtomic(plan.packageJson.file, plan.packageJson.after);
  } catch (error) {
    await restore(plan.config);
    throw error;
  }
}

/** Puts both files back as they were before {@link applyIsolation}. */
export async function revertIsolation(plan: ManifestEdits): Promise<void> {
  await restore(plan.packageJson);
  await restore(plan.config);
}

async function restore(edit: FileEdit): Promise<void> {
  if (edit.before === null) await rm(edit.file, { force: true });
  else await writeFileAtomic(edit.file, edit.before);
}
