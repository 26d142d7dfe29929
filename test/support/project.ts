import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths';
import { startFixtureRegistry, type FixtureRegistry } from './registry';
import { writeFiles } from './workspace';

const run = promisify(execFile);

/** A temporary folder for one test file's projects and npm cache; delete it in `after`. */
export function makeWorkDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * A project folder in `workDir` whose .npmrc points at `registry`, with the npm cache in `workDir`
 * (tests never touch the user's cache) and no retries, so a failing fetch fails at once instead of
 * backing off for a minute.
 */
export async function makeProject(workDir: string, registry: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(workDir, 'project-'));
  await writeFile(path.join(dir, '.npmrc'), `registry=${registry}\ncache=${path.join(workDir, 'npm-cache')}\nfetch-retries=0\n`);
  await writeFiles(dir, files);
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `multiverse` bin in `cwd` as a real child process. */
export async function cli(cwd: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(repoRoot, 'runtime', 'bin', 'multiverse.js'), ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs `node -e code` in `cwd` and returns its trimmed stdout. */
export async function nodeEval(cwd: string, code: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['-e', code], { cwd });
  return stdout.trim();
}

/** What most install tests start from: the fixture registry and a private work folder. */
export interface FixtureWorkspace {
  registry: FixtureRegistry;
  workDir: string;
}

export async function openFixtureWorkspace(prefix: string): Promise<FixtureWorkspace> {
  return { registry: await startFixtureRegistry(), workDir: await makeWorkDir(prefix) };
}

export async function closeFixtureWorkspace({ registry, workDir }: FixtureWorkspace): Promise<void> {
  await registry.close();
  await rm(workDir, { recursive: true, force: true });
}
