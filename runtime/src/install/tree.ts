import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import npa from 'npm-package-arg';
import { dependencyProblem } from '../config/dependency-spec';
import { arboristOptions } from './arborist-options';
import { InputError } from '../errors';
import { inputsHash, treeState, writeStamp } from './fingerprint';
import { cancelledError, installError } from './install-error';
import { readNpmConfig, type NpmConfig } from './npm-config';
import type { ProgressListener } from './progress';
import { linkIntoStore, type StoreResult } from './store';
import { reifyWithProgress } from './tracked-arborist';
import { isProcessAlive } from './process-alive';

export interface InstallTreeOptions {
  /** Folder of the tree: gets package.json, package-lock.json and node_modules/. */
  dir: string;
  dependencies: Record<string, string>;
  /** Project whose .npmrc applies and against which `file:` specs resolve. */
  projectDir: string;
  /** Content-addressed store; default `<projectDir>/.multiverse/.store`. */
  store?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Name used in messages (a namespace or extension name); default the folder name. */
  label?: string;
  /** Reinstall even when the fingerprint says the tree is up to date. */
  force?: boolean;
  /** Already-read npm configuration, so parallel installs read .npmrc once. */
  npmConfig?: NpmConfig;
}

/** A tree installed into a staging folder, not yet visible at `dir`. */
export interface StagedTree {
  dir: string;
  /** False when the existing tree was up to date and nothing was staged. */
  changed: boolean;
  store: StoreResult | null;
  /** Moves the staged tree into place, replacing the old one. */
  commit(): Promise<void>;
  /** Deletes the staged tree; the old one stays as it was. */
  discard(): Promise<void>;
}

/** The default store location: inside the project, so hardlinks never cross filesystems. */
export function defaultStore(projectDir: string): string {
  return path.join(path.resolve(projectDir), '.multiverse', '.store');
}

/**
 * Installs a self-contained tree into `dir` (generated package.json, its own package-lock.json,
 * node_modules), unless its fingerprint shows it is already up to date. Atomic: the tree is built
 * beside `dir` and swapped in only when complete, so a failure leaves the previous tree as it was.
 */
export async function installTree(options: InstallTreeOptions): Promise<{ changed: boolean; dir: string }> {
  const staged = await stageTree(options);
  await staged.commit();
  return { changed: staged.changed, dir: staged.dir };
}

/** The first half of {@link installTree}: everything but the swap, so several trees can commit together. */
export async function stageTree(options: InstallTreeOptions): Promise<StagedTree> {
  const dir = path.resolve(options.dir);
  const projectDir = path.resolve(options.projectDir);
  const label = options.label ?? path.basename(dir);
  const report = options.onProgress;
  checkDependencies(label, options.dependencies);
  const npmConfig = options.npmConfig ?? (await readNpmConfig(projectDir));
  const inputs = await inputsHash(options.dependencies, npmConfig.options, projectDir);
  const state = await treeState(dir, inputs);
  if (state === 'installed' && !options.force) {
    report?.({ phase: 'up-to-date', done: 0, total: 0, message: 'up to date' });
    return { dir, changed: false, store: null, commit: async () => undefined, discard: async () => undefined };
  }
  if (state === 'missing' && !(await isEmptyOrAbsent(dir))) {
    throw new InputError('ENOTATREE', `${dir} exists but was not made by multiverse (no fingerprint file in it), so installing ${label} would replace it. Move it away or delete it, then install again.`);
  }

  await removeAbandonedStaging(dir);
  const staging = path.join(path.dirname(dir), `.${path.basename(dir)}.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  const discard = (): Promise<void> => rm(staging, { recursive: true, force: true });
  const cancelled = (step: string): void => {
    if (options.signal?.aborted) throw cancelledError(label, step, options.signal.reason);
  };
  try {
    cancelled('starting');
    await mkdir(staging, { recursive: true });
    await writeFile(path.join(staging, 'package.json'), generatedManifest(path.basename(dir), options.dependencies, projectDir));
    // Local dependencies are installed as copies (a symlink would lead out of the tree); saying so
    // in the tree's own .npmrc keeps `npm ls` or `npm audit` run inside it from calling them invalid.
    await writeFile(path.join(staging, '.npmrc'), 'install-links=true\n');
    // Keep the versions locked by the previous install of this tree, as npm keeps a project's lockfile.
    await copyFile(path.join(dir, 'package-lock.json'), path.join(staging, 'package-lock.json')).catch(() => undefined);
    const reification = reifyWithProgress(arboristOptions(npmConfig, { path: staging, installLinks: true }), report, options.signal);
    await reification.done.catch((error: unknown) => {
      // An aborted fetch fails arborist with a network error: the cancellation is what happened.
      cancelled(reification.step());
      throw installError(label, npmConfig.registry, error);
    });
    cancelled('fetching and extracting packages');
    report?.({ phase: 'linking', done: 0, total: 0 });
    const store = await linkIntoStore(staging, options.store ?? defaultStore(projectDir));
    await writeStamp(staging, inputs);
    cancelled('linking into the store');
    return {
      dir,
      changed: true,
      store,
      commit: async () => {
        await swapIn(staging, dir);
        report?.({ phase: 'done', done: store.files, total: store.files, message: doneMessage(store) });
      },
      discard,
    };
  } catch (error) {
    await discard();
    report?.({ phase: 'failed', done: 0, total: 0, message: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    throw error;
  }
}

function checkDependencies(label: string, dependencies: Record<string, string>): void {
  const problems = Object.entries(dependencies)
    .map(([name, spec]) => dependencyProblem(name, spec))
    .filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new InputError('EINVALIDSPEC', `cannot install ${label}: ${problems.join('; ')}.`);
}

/**
 * The tree's package.json. `file:` and directory specs are made absolute because the tree lives in
 * another folder than the multiverse.json they were written relative to.
 */
function generatedManifest(treeName: string, dependencies: Record<string, string>, projectDir: string): string {
  const deps: Record<string, string> = {};
  for (const [name, spec] of Object.entries(dependencies)) {
    const parsed = npa.resolve(name, spec, projectDir);
    deps[name] = (parsed.type === 'file' || parsed.type === 'directory') && parsed.fetchSpec ? `file:${parsed.fetchSpec}` : spec;
  }
  const manifest = {
    name: `multiverse-tree-${treeName.toLowerCase()}`,
    version: '0.0.0',
    private: true,
    description: 'Generated by multiverse from multiverse.json; edit that file instead, then run "multiverse install".',
    dependencies: deps,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Replaces `dir` with `staging`. Two renames in the same folder: the old tree is set aside first
 * and restored if the second rename fails, so `dir` never ends up half-written.
 */
async function swapIn(staging: string, dir: string): Promise<void> {
  const old = `${staging}.old`;
  let hadOld = false;
  try {
    await rename(dir, old);
    hadOld = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(staging, dir);
  } catch (error) {
    if (hadOld) await rename(old, dir);
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/**
 * Deletes staging folders of `dir` left by installs that were killed (Ctrl-C, a crash): their
 * names carry the installing process id, and only those of processes that no longer run go, so a
 * parallel install of the same tree keeps its own.
 */
async function removeAbandonedStaging(dir: string): Promise<void> {
  const prefix = `.${path.basename(dir)}.staging-`;
  const siblings = await readdir(path.dirname(dir)).catch(() => [] as string[]);
  for (const name of siblings) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length).split('-')[0]) : NaN;
    if (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid)) await rm(path.join(path.dirname(dir), name), { recursive: true, force: true });
  }
}

async function isEmptyOrAbsent(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

function doneMessage(store: StoreResult): string {
  if (store.crossDevice) return `installed ${store.files} files (store on another filesystem: files not shared)`;
  return `installed ${store.files} files, ${store.reused} of them already in the store`;
}
