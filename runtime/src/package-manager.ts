import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type * as Parsers from '@yarnpkg/parsers';
import type { PackageManagerName } from './analysis/types';
import { InputError } from './errors';

/** How a project's dependencies are laid out on disk. */
export type Linker =
  /** npm, Yarn classic, Yarn's node-modules linker, Bun's default: one folder per copy, hoisted. */
  | 'hoisted'
  /** pnpm's default: `node_modules/.pnpm/<name>@<version>/node_modules/<name>`, linked by symlinks. */
  | 'isolated'
  /** Yarn Plug'n'Play: no node_modules; `.pnp.cjs` maps every import to a zip archive or a folder. */
  | 'pnp';

export interface PackageManager {
  name: PackageManagerName;
  linker: Linker;
  /** Absolute path of the lockfile the manager writes, whether or not it exists yet. */
  lockfile: string;
  /** What decided: the `packageManager` field, a lockfile, the install state in node_modules, or nothing (npm). */
  detectedBy: 'packageManager' | 'lockfile' | 'node_modules' | 'default';
}

const LOCKFILES: [file: string, manager: PackageManagerName][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['bun.lock', 'bun'],
  ['yarn.lock', 'yarn-classic'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** What each manager leaves in node_modules after an install: the tie-breaker when several lockfiles exist. */
const INSTALL_STATE: [file: string, manager: PackageManagerName][] = [
  ['node_modules/.pnpm', 'pnpm'],
  ['node_modules/.modules.yaml', 'pnpm'],
  ['node_modules/.yarn-state.yml', 'yarn-berry'],
  ['.pnp.cjs', 'yarn-berry'],
  ['node_modules/.yarn-integrity', 'yarn-classic'],
  ['node_modules/.package-lock.json', 'npm'],
];

/**
 * Which package manager installs the project in `dir`, as the managers themselves and Corepack
 * decide: the `packageManager` field of package.json first, then the lockfile present (when
 * several are, the one whose install state is in node_modules), else npm. Yarn is Yarn classic
 * (1.x) unless the field names 2 or later, the project has a `.yarnrc.yml`, or its yarn.lock is
 * Berry's (a `__metadata` entry); Berry's linker is `nodeLinker` from `.yarnrc.yml` (Plug'n'Play
 * by default).
 */
export async function detectPackageManager(dir: string, manifest: Record<string, unknown> | null): Promise<PackageManager> {
  const root = path.resolve(dir);
  const field = fromField(manifest?.packageManager);
  const present = LOCKFILES.filter(([file]) => existsSync(path.join(root, file)));
  let name: PackageManagerName;
  let detectedBy: PackageManager['detectedBy'];
  if (field !== null) {
    [name, detectedBy] = [field, 'packageManager'];
  } else if (present.length === 1 && present[0]) {
    [name, detectedBy] = [present[0][1], 'lockfile'];
  } else {
    const installed = INSTALL_STATE.find(([file]) => existsSync(path.join(root, file)));
    if (installed && (present.length === 0 || present.some(([, m]) => sameFamily(m, installed[1])))) [name, detectedBy] = [installed[1], 'node_modules'];
    else if (present[0]) [name, detectedBy] = [present[0][1], 'lockfile'];
    else [name, detectedBy] = ['npm', 'default'];
  }
  if (name === 'yarn-classic' && field === null && (await isBerry(root))) name = 'yarn-berry';
  return { name, linker: await linkerOf(root, name), lockfile: path.join(root, lockfileName(name, root)), detectedBy };
}

/** The command that installs the project with its own manager, for messages that leave the app's tree to it. */
export function installCommand(name: PackageManagerName): string {
  return name === 'yarn-classic' || name === 'yarn-berry' ? 'yarn install' : `${name} install`;
}

/** `pnpm@10.3.0+sha512...` → pnpm; `yarn@1.22.22` → Yarn classic; `yarn@4.5.0` → Yarn Berry. */
function fromField(value: unknown): PackageManagerName | null {
  if (typeof value !== 'string') return null;
  const match = /^(npm|pnpm|yarn|bun)@(\d+)/.exec(value.trim());
  if (!match) return null;
  if (match[1] === 'yarn') return Number(match[2]) >= 2 ? 'yarn-berry' : 'yarn-classic';
  return match[1] as PackageManagerName;
}

function sameFamily(a: PackageManagerName, b: PackageManagerName): boolean {
  const family = (m: PackageManagerName): string => (m.startsWith('yarn') ? 'yarn' : m);
  return family(a) === family(b);
}

async function isBerry(root: string): Promise<boolean> {
  if (existsSync(path.join(root, '.yarnrc.yml')) || existsSync(path.join(root, '.pnp.cjs'))) return true;
  const lock = await readFile(path.join(root, 'yarn.lock'), 'utf8').catch(() => '');
  return /^__metadata:/m.test(lock);
}

function lockfileName(name: PackageManagerName, root: string): string {
  switch (name) {
    case 'pnpm':
      return 'pnpm-lock.yaml';
    case 'bun':
      return 'bun.lock';
    case 'yarn-classic':
    case 'yarn-berry':
      return 'yarn.lock';
    case 'npm':
      return existsSync(path.join(root, 'npm-shrinkwrap.json')) ? 'npm-shrinkwrap.json' : 'package-lock.json';
  }
}

async function linkerOf(root: string, name: PackageManagerName): Promise<Linker> {
  if (name === 'pnpm') return (await pnpmNodeLinker(root)) === 'hoisted' ? 'hoisted' : 'isolated';
  if (name !== 'yarn-berry') return 'hoisted';
  const rc = await readYarnrc(root);
  const linker = rc.nodeLinker;
  if (linker === 'node-modules' || linker === 'pnpm') return linker === 'pnpm' ? 'isolated' : 'hoisted';
  return 'pnp';
}

/** pnpm's `node-linker` as the last install recorded it (node_modules/.modules.yaml), else `isolated`. */
async function pnpmNodeLinker(root: string): Promise<string> {
  const text = await readFile(path.join(root, 'node_modules', '.modules.yaml'), 'utf8').catch(() => null);
  if (text === null) return 'isolated';
  const modules = parseYaml(text);
  return typeof modules.nodeLinker === 'string' ? modules.nodeLinker : 'isolated';
}

/** The project's `.yarnrc.yml` as an object (empty without one). */
export async function readYarnrc(root: string): Promise<Record<string, unknown>> {
  const file = path.join(root, '.yarnrc.yml');
  const text = await readFile(file, 'utf8').catch(() => null);
  return text === null ? {} : parseYaml(text, file);
}

/** YAML through Yarn's parser (js-yaml underneath), as an object; a syntax error names the file. */
export function parseYaml(text: string, file?: string): Record<string, unknown> {
  let value: unknown;
  try {
    // Loaded on first use: npm and pnpm projects mostly never need a YAML parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    value = (require('@yarnpkg/parsers') as typeof Parsers).parseSyml(text);
  } catch (error) {
    if (file === undefined) throw error;
    const { mark, reason } = error as { mark?: { line: number; column: number }; reason?: string };
    const at = mark ? `:${mark.line + 1}:${mark.column + 1}` : '';
    throw new InputError('EYAMLPARSE', `${file}${at}: not valid YAML (${reason ?? (error as Error).message}). Fix it, or let the package manager write it again.`, { cause: error });
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Files at a project's (or workspace's) root whose change changes its dependencies, for every manager. */
const PROJECT_RECORDS = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'yarn.lock', '.yarnrc.yml', '.pnp.cjs', 'bun.lock'];

/**
 * What each manager rewrites in node_modules at the end of an install (npm's hidden lockfile, pnpm's
 * modules manifest and current lockfile, Yarn's install state): one file stands for the thousands
 * an install touches there.
 */
const INSTALL_RECORDS = ['node_modules/.package-lock.json', 'node_modules/.modules.yaml', 'node_modules/.pnpm/lock.yaml', 'node_modules/.yarn-state.yml', 'node_modules/.yarn-integrity'];

/** Globs for an editor's file watcher: every file {@link isDependencyRecord} accepts. */
export const DEPENDENCY_RECORD_GLOBS: readonly string[] = [...PROJECT_RECORDS, ...INSTALL_RECORDS].map((file) => `**/${file}`);

/** Whether a change to `file` can change the project's dependency graph, whichever manager installs it. */
export function isDependencyRecord(file: string): boolean {
  const parts = file.split(path.sep);
  if (!parts.includes('node_modules')) return PROJECT_RECORDS.includes(parts[parts.length - 1] ?? '');
  const posix = parts.join('/');
  return INSTALL_RECORDS.some((record) => posix.endsWith(`/${record}`));
}
