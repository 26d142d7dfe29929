import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where namespace copies live: a folder with no `node_modules` above it, so lookups cannot leak. */
const MIRROR_BASE = path.join(os.tmpdir(), 'multiverse-mirror-');

/**
 * Makes a private copy of `root` for one namespace: hard links (the brief measured ~50 ms for
 * lodash's 1,054 files), or byte copies across file systems. Node keys its ESM cache by path, so
 * the copy instantiates every ES module afresh, with Node's own loader and no hooks. Symlinks are
 * copied as symlinks; each `overrides` entry replaces `node_modules/<name>` with a symlink to
 * another directory (the app's copy of a shared package).
 */
export function createMirror(root: string, name: string, overrides: Map<string, string>): string {
  const mirror = mkdtempSync(`${MIRROR_BASE}${name}-`);
  if (!cleanupInstalled) process.once('exit', removeAll);
  cleanupInstalled = true;
  live.add(mirror);
  linkTree(root, mirror);
  for (const [pkg, target] of overrides) {
    const at = path.join(mirror, 'node_modules', pkg);
    rmSync(at, { recursive: true, force: true });
    mkdirSync(path.dirname(at), { recursive: true });
    symlinkSync(target, at, 'dir');
  }
  return mirror;
}

/** Deletes a copy; the ES modules already loaded from it stay in memory. */
export function removeMirror(mirror: string): void {
  live.delete(mirror);
  rmSync(mirror, { recursive: true, force: true });
}

// Copies still on disk, removed when the process exits (a crash leaves them in the temp dir).
const live = new Set<string>();
let cleanupInstalled = false;

function removeAll(): void {
  for (const mirror of live) rmSync(mirror, { recursive: true, force: true });
  live.clear();
}

function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else linkOrCopy(source, target);
  }
}

function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw error;
    copyFileSync(source, target);
  }
}
