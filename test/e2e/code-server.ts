import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/paths';

const run = promisify(execFile);

export interface CodeServer {
  /** Workbench URL opening `workspace`. */
  url: string;
  port: number;
  /** Everything code-server printed, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  workspace: string;
  /** A .vsix to install into a fresh extensions folder before start. */
  vsix?: string;
  /** User settings merged over the quiet defaults. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for its extension host. */
  env?: Record<string, string>;
  /** Open the workspace in Restricted Mode (workspace trust on, folder not trusted) instead of trusting everything. */
  restricted?: boolean;
  /** Honour `extensionDevelopmentPath` / `extensionTestsPath` in the workbench URL's payload. */
  extensionDevelopment?: boolean;
}

/** An installed code-server: its version, the Node it runs on and its entry script. */
export interface CodeServerInstall {
  version: string;
  node: string;
  entry: string;
}

/**
 * Every code-server test/e2e/setup.sh installed (it prints them, oldest first). scripts/run-e2e.mjs
 * runs it once and passes its answer on in MULTIVERSE_CODE_SERVERS.
 */
export async function codeServerInstalls(): Promise<CodeServerInstall[]> {
  const stdout = process.env.MULTIVERSE_CODE_SERVERS ?? (await run('bash', [path.join(repoRoot, 'test', 'e2e', 'setup.sh')], { maxBuffer: 1 << 20 })).stdout;
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((fields): fields is [string, string, string] => fields.length === 3)
    .map(([version, node, entry]) => ({ version, node, entry }));
}

/**
 * The code-server to run: MULTIVERSE_CODE_SERVER names a version, "oldest" or "newest" (the
 * default: what users run today).
 */
export async function selectedCodeServer(): Promise<CodeServerInstall> {
  const installs = await codeServerInstalls();
  const wanted = process.env.MULTIVERSE_CODE_SERVER ?? 'newest';
  const found = wanted === 'newest' ? installs.at(-1) : wanted === 'oldest' ? installs[0] : installs.find((i) => i.version === wanted);
  if (found === undefined) {
    throw new Error(`MULTIVERSE_CODE_SERVER=${wanted}: test/e2e/setup.sh installed ${installs.map((i) => i.version).join(', ') || 'no code-server'}; name one of them, "oldest" or "newest".`);
  }
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  // VS Code's JSON support downloads schemas from schemastore; offline, that fails and shows in
  // Problems beside Multiverse's own findings.
  'json.schemaDownload.enable': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.commandCenter': false,
};

/**
 * Starts code-server on 127.0.0.1 with a fresh user-data, config and extensions folder, optionally
 * with a packaged .vsix installed, and waits until it answers /healthz. Every folder it writes to
 * is private to this start and removed by `stop()`.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { node, entry } = await selectedCodeServer();
  const home = await mkdtemp(path.join(os.tmpdir(), 'multiverse-code-server-'));
  const dirs = {
    userData: path.join(home, 'user-data'),
    extensions: path.join(home, 'extensions'),
    config: path.join(home, 'config'),
    data: path.join(home, 'data'),
    tmp: path.join(home, 'tmp'),
  };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  await mkdir(path.join(dirs.userData, 'User'), { recursive: true });
  // Restricted Mode without the prompt that asks whether to trust the folder.
  const trust = options.restricted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {};
  await writeFile(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...trust, ...options.settings }, null, 2));
  const configFile = path.join(home, 'config.yaml');
  // The command line's --bind-addr decides the port; the file only keeps code-server from writing one.
  await writeFile(configFile, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const env = { ...process.env, ...options.env, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data };
  const common = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

  if (options.vsix) {
    await run(node, [entry, ...common, '--install-extension', options.vsix], { env });
  }

  // VS Code 1.100 honours a development payload in the workbench URL as it is; newer builds only
  // with the smoke-test driver on, which code-server passes through with --vscode-option.
  const development = options.extensionDevelopment === true && (await run(node, [entry, '--help'], { env })).stdout.includes('--vscode-option') ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
  const flags = ['--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(options.restricted ? [] : ['--disable-workspace-trust']), ...development];

  for (;;) {
    const port = await freePort();
    let server: Awaited<ReturnType<typeof listen>>;
    try {
      server = await listen(node, [entry, ...common, ...flags, '--bind-addr', `127.0.0.1:${port}`, options.workspace], env, port);
    } catch (error) {
      await rm(home, { recursive: true, force: true });
      throw error;
    }
    if (server !== null) {
      return {
        url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`,
        port,
        log: server.log,
        stop: async () => {
          await server.stop();
          await rm(home, { recursive: true, force: true });
        },
      };
    }
  }
}

/**
 * Starts code-server on `port` and waits for /healthz. Null when another process took the port
 * between freePort() and the listen (other test runs share the machine): the caller tries another.
 */
async function listen(node: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<{ log(): string; stop(): Promise<void> } | null> {
  let output = '';
  // detached: the server gets its own process group, so stop() ends its extension host and watcher too.
  const child: ChildProcess = spawn(node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ended on SIGTERM
      }
    }
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (output.includes('EADDRINUSE')) return null;
      await stop();
      throw new Error(`code-server exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return { log: () => output, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz on port ${port} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
