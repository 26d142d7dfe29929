import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

const DEBOUNCE_MS = 100;
/** Folders whose changes are not edits of the extension: installs, Multiverse's own trees, git. */
const IGNORED = new Set(['node_modules', '.multiverse', '.git']);

/**
 * Calls `onChange` once a burst of file changes in `directory` settles (an editor's save is several
 * events). Changes under node_modules, .multiverse and .git are ignored: installs are not edits.
 */
export function watchDirectory(directory: string, onChange: (file: string) => void): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const watcher = watch(directory, { recursive: true }, (_event, file) => {
    const changed = file === null ? '' : String(file);
    if (changed.split(path.sep).some((segment) => IGNORED.has(segment))) return;
    last = changed;
    clearTimeout(timer);
    timer = setTimeout(() => onChange(last), DEBOUNCE_MS);
  });
  watcher.on('close', () => clearTimeout(timer));
  // Watching must not keep the host alive on its own.
  watcher.unref();
  return watcher;
}
