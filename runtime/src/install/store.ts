import { createHash } from 'node:crypto';
import { chmod, link, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';

/** What {@link linkIntoStore} did to one tree. */
export interface StoreResult {
  /** Regular files seen in node_modules. */
  files: number;
  /** Files replaced by a hardlink to a copy already in the store (the disk saving). */
  reused: number;
  /** Files that became new store entries. */
  added: number;
  /** Native addons left as private copies. */
  copies: number;
  /** True when the store is on another filesystem, so nothing could be linked. */
  crossDevice: boolean;
}

/** How many files are hashed and linked at once: enough to hide disk latency, few enough for small machines. */
const CONCURRENCY = 32;

/**
 * Makes every regular file under `<treeDir>/node_modules` a hardlink to one content-addressed copy
 * in `storeDir` (sha256 of the bytes, plus whether it is executable, since links share their mode),
 * so packages common to several trees occupy disk once, as in pnpm. Files stay physical files in
 * each tree, which is what keeps namespaces apart at run time: Node keys modules by real path, and
 * a hardlink has its own path while a symlink would resolve to the shared one.
 *
 * Native addons (`*.node`) are left as private byte copies: `dlopen` deduplicates by inode, so a
 * shared inode would make two namespaces share one addon instance.
 */
export async function linkIntoStore(treeDir: string, storeDir: string): Promise<StoreResult> {
  const result: StoreResult = { files: 0, reused: 0, added: 0, copies: 0, crossDevice: false };
  const nodeModules = path.join(treeDir, 'node_modules');
  const files = await regularFiles(nodeModules);
  // arborist rewrites its hidden lockfile on every reify: it must stay a private file.
  const hidden = path.join(nodeModules, '.package-lock.json');
  const queue = files.filter((f) => f !== hidden);
  result.files = queue.length;
  const worker = async (): Promise<void> => {
    for (let file = queue.pop(); file !== undefined && !result.crossDevice; file = queue.pop()) {
      if (file.endsWith('.node')) result.copies += 1;
      else await storeFile(file, storeDir, result);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return result;
}

async function storeFile(file: string, storeDir: string, result: StoreResult): Promise<void> {
  const info = await stat(file);
  const key = `${await sha256(file)}${info.mode & 0o111 ? '-x' : ''}`;
  // One flat folder: sharding by hash prefix (as pnpm does) costs a 4 KiB block per shard folder,
  // which outweighs everything else for small stores; ext4 and APFS index large folders anyway.
  const entry = path.join(storeDir, key);
  const temp = `${file}.multiverse-link`;
  try {
    const stored = await stat(entry);
    // Already that inode: the file was a hardlink of another one in the tree (esbuild's install
    // script links its binary so) that went into the store first. Renaming a link over another
    // link of the same inode does nothing, so linking again would leave the temporary link behind.
    if (stored.ino !== info.ino || stored.dev !== info.dev) {
      await link(entry, temp);
      await rename(temp, file);
    }
    result.reused += 1;
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') {
      result.crossDevice = true;
      return;
    }
    if (code !== 'ENOENT') throw error;
  }
  await mkdir(storeDir, { recursive: true });
  // Read-only, because every tree shares this inode: an edit in one tree's node_modules would
  // silently change all of them and make the entry's content disagree with its name.
  await chmod(file, info.mode & 0o555);
  try {
    await link(file, entry);
    result.added += 1;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') result.crossDevice = true;
    // Another tree being installed in parallel stored the same bytes first: link to its copy.
    else if (code === 'EEXIST') await storeFile(file, storeDir, result);
    else throw error;
  }
}

/**
 * Deletes store entries no tree links to any more (link count 1: only the store holds them), so the
 * store does not grow forever as namespaces change versions.
 */
export async function pruneStore(storeDir: string): Promise<number> {
  let removed = 0;
  for (const file of await regularFiles(storeDir)) {
    if ((await stat(file)).nlink === 1) {
      await unlink(file);
      removed += 1;
    }
  }
  return removed;
}

async function regularFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Package files are small; one read beats a stream's per-chunk overhead by a wide margin. */
async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}
