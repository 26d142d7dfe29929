import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths';
import { writeFiles } from './workspace';

const run = promisify(execFile);

/** The package managers (and Yarn Berry's two linkers) the fixture projects are installed with. */
export type ManagerSetup = 'pnpm' | 'yarn-classic' | 'yarn-berry-nm' | 'yarn-berry-pnp' | 'bun';

export const MANAGER_SETUPS: ManagerSetup[] = ['pnpm', 'yarn-classic', 'yarn-berry-nm', 'yarn-berry-pnp', 'bun'];

const tools = path.join(repoRoot, 'node_modules');
const caches = path.join(os.tmpdir(), 'multiverse-test-pm-cache');

/**
 * Bun's binary comes in a per-platform package that the `bun` package lists as optional; when npm
 * runs the `bun` package's install script (npm's allowScripts policy decides), that script moves it
 * to `bun/bin/bun.exe`. A real binary is megabytes; the placeholder left without the script is not.
 */
export function bunBinary(): string | null {
  const platform = path.join(tools, '@oven', `bun-${process.platform}-${process.arch === 'arm64' ? 'aarch64' : process.arch}`, 'bin', 'bun');
  return [platform, path.join(tools, 'bun', 'bin', 'bun.exe')].find((file) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 1024 * 1024) ?? null;
}

/**
 * Installs the project in `dir` (its package.json written already) with the real package manager,
 * from the fixture registry at `registry`, with caches under the OS temp dir. Each manager gets its
 * registry on the command line or in its own project config, never from `npm_config_*` variables
 * of the npm running the tests, which pnpm and Yarn classic would otherwise obey.
 */
export async function installWithManager(dir: string, setup: ManagerSetup, registry: string): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|yarn_|pnpm_|bun_)/i.test(name)));
  switch (setup) {
    case 'pnpm':
      return output(process.execPath, [path.join(tools, 'pnpm', 'bin', 'pnpm.cjs'), 'install', '--no-frozen-lockfile', `--registry=${registry}`, `--store-dir=${path.join(caches, 'pnpm-store')}`, '--reporter=append-only'], dir, env);
    case 'yarn-classic':
      return output(
        process.execPath,
        [path.join(tools, 'yarn', 'bin', 'yarn.js'), 'install', '--registry', registry, '--cache-folder', path.join(caches, 'yarn-classic'), '--no-progress', '--non-interactive', '--ignore-scripts'],
        dir,
        env,
      );
    case 'yarn-berry-nm':
    case 'yarn-berry-pnp':
      await writeFiles(dir, {
        '.yarnrc.yml': [
          `nodeLinker: ${setup === 'yarn-berry-pnp' ? 'pnp' : 'node-modules'}`,
          `npmRegistryServer: "${registry}"`,
          'unsafeHttpWhitelist: ["127.0.0.1"]',
          // The fixture registry's packuments carry no publish times, which Yarn's age gate would quarantine.
          'npmMinimalAgeGate: 0',
          // CI=true would make installs immutable, and a fixture starts without a lockfile.
          'enableImmutableInstalls: false',
          'enableTelemetry: false',
          'enableGlobalCache: false',
          `globalFolder: "${path.join(caches, 'yarn-berry-global')}"`,
          '',
        ].join('\n'),
      });
      if (!existsSync(path.join(dir, 'yarn.lock'))) await writeFiles(dir, { 'yarn.lock': '' });
      return output(process.execPath, [path.join(tools, '@yarnpkg', 'cli-dist', 'bin', 'yarn.js'), 'install'], dir, env);
    case 'bun': {
      const bun = bunBinary();
      if (bun === null) throw new Error(`no Bun binary for ${process.platform}-${process.arch} in ${path.join(tools, '@oven')}`);
      await writeFiles(dir, { 'bunfig.toml': `[install]\nregistry = "${registry}"\n` });
      return output(bun, ['install', '--no-progress', '--no-summary'], dir, { ...env, BUN_INSTALL_CACHE_DIR: path.join(caches, 'bun') });
    }
  }
}

async function output(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(command)} ${args.slice(1, 2).join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}
