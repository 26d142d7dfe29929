import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import npa from 'npm-package-arg';

/** File in each installed tree recording what it was installed from. */
export const STAMP_FILE = '.multiverse-tree.json';

/** Bump when the installed layout changes, so older trees count as stale and get reinstalled. */
const FORMAT = 1;

/** Files whose content a tree's stamp records: an edit by hand or by `npm install` inside the tree makes it stale. */
const WATCHED = ['package.json', 'package-lock.json', path.join('node_modules', '.package-lock.json')];

interface Stamp {
  format: number;
  inputs: string;
  files: Record<string, string>;
}

/**
 * The hash of everything that decides what a tree contains: its dependencies, the registries that
 * resolve them, the platform (optional and native dependencies differ per platform), and the
 * files of local `file:` dependencies, whose spec stays the same while their content changes.
 */
export async function inputsHash(dependencies: Record<string, string>, registryOptions: Record<string, unknown>, projectDir: string): Promise<string> {
  const registries = Object.entries(registryOptions)
    .filter(([key]) => key === 'registry' || key.endsWith(':registry'))
    .sort(([a], [b]) => a.localeCompare(b));
  const sortedDeps = Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b));
  const local: string[] = [];
  for (const [name, spec] of sortedDeps) {
    const parsed = npa.resolve(name, spec, projectDir);
    if ((parsed.type === 'directory' || parsed.type === 'file') && parsed.fetchSpec) local.push(name, await localDigest(parsed.fetchSpec));
  }
  const node = process.versions.node.split('.')[0];
  return sha256(JSON.stringify({ FORMAT, sortedDeps, registries, local, platform: process.platform, arch: process.arch, node }));
}

/** Size and modification time of every file of a local dependency (its node_modules aside): cheap, and changes on any edit. */
async function localDigest(target: string): Promise<string> {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return 'missing';
  if (!info.isDirectory()) return `${info.size}:${info.mtimeMs}`;
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== '.git') await walk(file);
      else if (entry.isFile()) {
        const { size, mtimeMs } = await stat(file);
        files.push(`${path.relative(target, file)}:${size}:${mtimeMs}`);
      }
    }
  };
  await walk(target);
  return sha256(files.sort().join('\n'));
}

/** Records in `dir` that it holds a complete tree installed from `inputs`. */
export async function writeStamp(dir: string, inputs: string): Promise<void> {
  const stamp: Stamp = { format: FORMAT, inputs, files: await watchedHashes(dir) };
  await writeFile(path.join(dir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** 'missing' without a stamped tree, 'stale' when inputs or installed files changed since, else 'installed'. */
export async function treeState(dir: string, inputs: string): Promise<'installed' | 'stale' | 'missing'> {
  const stamp = await readStamp(dir);
  if (stamp === undefined) return 'missing';
  if (stamp.format !== FORMAT || stamp.inputs !== inputs) return 'stale';
  const now = await watchedHashes(dir);
  if (!WATCHED.every((f) => now[f] === stamp.files[f])) return 'stale';
  return (await everyPackagePresent(dir)) ? 'installed' : 'stale';
}

/**
 * Whether every package folder the lockfile lists still has its package.json: catches a package
 * deleted by hand (or by a tool cleaning node_modules folders) at one stat per package.
 */
async function everyPackagePresent(dir: string): Promise<boolean> {
  let lock: { packages?: Record<string, { link?: boolean }> };
  try {
    lock = JSON.parse(await readFile(path.join(dir, 'package-lock.json'), 'utf8')) as typeof lock;
  } catch {
    return false;
  }
  const folders = Object.entries(lock.packages ?? {}).filter(([location, entry]) => location !== '' && entry.link !== true);
  const present = await Promise.all(folders.map(([location]) => stat(path.join(dir, location, 'package.json')).then(() => true, () => false)));
  return present.every(Boolean);
}

/** Whether `dir` holds a tree this installer made (so replacing or deleting it loses nothing of the user's). */
export async function isInstalledTree(dir: string): Promise<boolean> {
  return (await readStamp(dir)) !== undefined;
}

async function readStamp(dir: string): Promise<Stamp | undefined> {
  try {
    const stamp = JSON.parse(await readFile(path.join(dir, STAMP_FILE), 'utf8')) as Partial<Stamp>;
    return typeof stamp.inputs === 'string' && typeof stamp.files === 'object' && stamp.files !== null ? (stamp as Stamp) : undefined;
  } catch {
    return undefined;
  }
}

async function watchedHashes(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const file of WATCHED) {
    try {
      hashes[file] = sha256(await readFile(path.join(dir, file)));
    } catch {
      // A tree without dependencies has no hidden lockfile; recording the absence keeps it comparable.
      hashes[file] = 'missing';
    }
  }
  return hashes;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
