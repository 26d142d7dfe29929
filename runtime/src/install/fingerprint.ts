import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { checkPlatform } from 'npm-install-checks';
import npa from 'npm-package-arg';
import semver from 'semver';

/** File in each installed tree recording what it was installed from. */
export const STAMP_FILE = '.multiverse-tree.json';

/** Bump when the installed layout changes, so older trees count as stale and get reinstalled. */
const FORMAT = 1;

/** Files whose content a tree's stamp records: an edit by hand or by `npm install` inside the tree makes it stale. */
const WATCHED = ['package.json', 'package-lock.json', path.join('node_modules', '.package-lock.json')];

/** Everything that decides what a tree contains, and its hash. */
export interface TreeInputs {
  hash: string;
  parts: InputParts;
}

interface InputParts {
  dependencies: [string, string][];
  registries: [string, unknown][];
  /** Name, then a digest of its files, for each local (`file:`) dependency. */
  local: string[];
  platform: string;
  arch: string;
  node: string;
}

interface Stamp {
  format: number;
  inputs: string;
  /** What `inputs` is the hash of, so a stale tree can say which input changed (absent in older stamps). */
  parts?: InputParts;
  files: Record<string, string>;
}

/** How a tree stands, and for a stale one, which input changed since it was installed. */
export interface TreeStatus {
  state: 'installed' | 'stale' | 'missing';
  /** For 'stale': a clause naming what changed, e.g. `node_modules/x is missing`. */
  reason: string | null;
}

/**
 * Everything that decides what a tree contains, with its hash: its dependencies, the registries
 * that resolve them, the platform (optional and native dependencies differ per platform), and the
 * files of local `file:` dependencies, whose spec stays the same while their content changes.
 */
export async function inputsHash(dependencies: Record<string, string>, registryOptions: Record<string, unknown>, projectDir: string): Promise<TreeInputs> {
  const registries = Object.entries(registryOptions)
    .filter(([key]) => key === 'registry' || key.endsWith(':registry'))
    .sort(([a], [b]) => a.localeCompare(b));
  const sortedDeps = Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b));
  const local: string[] = [];
  for (const [name, spec] of sortedDeps) {
    const parsed = npa.resolve(name, spec, projectDir);
    if ((parsed.type === 'directory' || parsed.type === 'file') && parsed.fetchSpec) local.push(name, await localDigest(parsed.fetchSpec));
  }
  const node = process.versions.node.split('.')[0] ?? '';
  const parts: InputParts = { dependencies: sortedDeps, registries, local, platform: process.platform, arch: process.arch, node };
  return { hash: sha256(JSON.stringify({ FORMAT, sortedDeps, registries, local, platform: parts.platform, arch: parts.arch, node })), parts };
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
export async function writeStamp(dir: string, inputs: TreeInputs): Promise<void> {
  const stamp: Stamp = { format: FORMAT, inputs: inputs.hash, parts: inputs.parts, files: await watchedHashes(dir) };
  await writeFile(path.join(dir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** 'missing' without a stamped tree, 'stale' when inputs or installed files changed since, else 'installed'. */
export async function treeState(dir: string, inputs: TreeInputs): Promise<TreeStatus['state']> {
  return (await treeStatus(dir, inputs)).state;
}

/** {@link treeState}, with the reason a stale tree is stale. */
export async function treeStatus(dir: string, inputs: TreeInputs): Promise<TreeStatus> {
  const stamp = await readStamp(dir);
  if (stamp === undefined) return { state: 'missing', reason: null };
  if (stamp.format !== FORMAT) return { state: 'stale', reason: 'it was installed by another version of multiverse' };
  if (stamp.inputs !== inputs.hash) return { state: 'stale', reason: changedInput(stamp.parts, inputs.parts) };
  const now = await watchedHashes(dir);
  const edited = WATCHED.find((f) => now[f] !== stamp.files[f]);
  if (edited !== undefined) return { state: 'stale', reason: `its ${edited.split(path.sep).join('/')} changed after the install (an edit, or npm run inside the tree)` };
  const missing = await missingPackage(dir);
  return missing === null ? { state: 'installed', reason: null } : { state: 'stale', reason: `${missing} is missing from it (deleted after the install)` };
}

/** Which input differs between a stamp's parts and the current ones, as a clause. */
function changedInput(was: InputParts | undefined, now: InputParts): string {
  if (was === undefined) return 'what it was installed from changed';
  const before = new Map(was.dependencies);
  const after = new Map(now.dependencies);
  const changes = [
    ...[...after].filter(([name]) => !before.has(name)).map(([name, spec]) => `added "${name}": "${spec}"`),
    ...[...before].filter(([name]) => !after.has(name)).map(([name]) => `removed "${name}"`),
    ...[...after].filter(([name, spec]) => before.has(name) && before.get(name) !== spec).map(([name, spec]) => `"${name}" "${before.get(name) ?? ''}" → "${spec}"`),
  ];
  if (changes.length > 0) return `its dependencies changed since it was installed (${changes.join(', ')})`;
  if (JSON.stringify(was.registries) !== JSON.stringify(now.registries)) return 'the registry settings (.npmrc, npm_config_*) changed since it was installed';
  if (JSON.stringify(was.local) !== JSON.stringify(now.local)) {
    const digests = digestsByName(was.local);
    const changed = [...digestsByName(now.local)].filter(([name, digest]) => digests.get(name) !== digest).map(([name]) => `"${name}"`);
    return `the files of local dependency ${changed.join(', ')} changed since it was installed`;
  }
  if (was.node !== now.node) return `it was installed under Node ${was.node}, and this is Node ${now.node}`;
  return `it was installed on ${was.platform}-${was.arch}, and this is ${now.platform}-${now.arch}`;
}

/** `[name, digest, name, digest, …]` as a map. */
function digestsByName(local: string[]): Map<string, string | undefined> {
  const digests = new Map<string, string | undefined>();
  for (let i = 0; i < local.length; i += 2) digests.set(local[i] ?? '', local[i + 1]);
  return digests;
}

interface LockEntry {
  link?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * The first package folder the lockfile lists that has no package.json any more (deleted by hand,
 * or by a tool cleaning node_modules folders), at one stat per package; `null` when all are there.
 * Packages arborist leaves out on this machine do not count: optional ones whose `os`, `cpu`,
 * `libc` or `engines.node` exclude it (fsevents off macOS), and the optional packages only they
 * bring in. The lockfile lists them so it serves every platform.
 */
async function missingPackage(dir: string): Promise<string | null> {
  let lock: { packages?: Record<string, LockEntry> };
  try {
    lock = JSON.parse(await readFile(path.join(dir, 'package-lock.json'), 'utf8')) as typeof lock;
  } catch {
    return 'package-lock.json';
  }
  const packages = new Map(Object.entries(lock.packages ?? {}).filter(([location, entry]) => location !== '' && entry.link !== true));
  const skipped = excludedHere(packages);
  const folders = [...packages.keys()].filter((location) => !skipped.has(location));
  const present = await Promise.all(folders.map((location) => stat(path.join(dir, location, 'package.json')).then(() => true, () => false)));
  const index = present.indexOf(false);
  return index === -1 ? null : (folders[index] ?? null);
}

/** Locations of the optional packages arborist does not install on this machine, with what only they need. */
function excludedHere(packages: Map<string, LockEntry>): Set<string> {
  const excluded = new Set([...packages].filter(([, entry]) => entry.optional === true && !installableHere(entry)).map(([location]) => location));
  const queue = [...excluded];
  for (let location = queue.pop(); location !== undefined; location = queue.pop()) {
    const entry = packages.get(location);
    for (const name of Object.keys({ ...entry?.dependencies, ...entry?.optionalDependencies })) {
      const target = lookup(packages, location, name);
      if (target === undefined || excluded.has(target) || packages.get(target)?.optional !== true) continue;
      excluded.add(target);
      queue.push(target);
    }
  }
  return excluded;
}

function installableHere(entry: LockEntry): boolean {
  try {
    checkPlatform({ os: entry.os, cpu: entry.cpu, libc: entry.libc });
  } catch {
    return false;
  }
  const range = entry.engines?.node;
  return range === undefined || semver.validRange(range) === null || semver.satisfies(process.versions.node, range, { includePrerelease: true });
}

/** Where Node's lookup from the package at `from` finds `name`: the nearest node_modules upwards that has it. */
function lookup(packages: Map<string, LockEntry>, from: string, name: string): string | undefined {
  for (let base = from; ; ) {
    const candidate = `${base}/node_modules/${name}`;
    if (packages.has(candidate)) return candidate;
    const cut = base.lastIndexOf('/node_modules/');
    if (cut === -1) return packages.has(`node_modules/${name}`) ? `node_modules/${name}` : undefined;
    base = base.slice(0, cut);
  }
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
