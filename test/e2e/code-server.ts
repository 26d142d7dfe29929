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
}

/** Path of code-server's entry script, installed by test/e2e/setup.sh (which prints it). */
async function codeServerEntry(): Promise<string> {
  const { stdout } = await run('bash', [path.join(repoRoot, 'test', 'e2e', 'setup.sh')], { maxBuffer: 1 << 20 });
  return stdout.trim().split('\n').pop() ?? '';
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
  const entry = await codeServerEntry();
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
  const port = await freePort();
  const configFile = path.join(home, 'config.yaml');
  await writeFile(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env = { ...process.env, ...options.env, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data };
  const common = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

  if (options.vsix) {
    await run(process.execPath, [entry, ...common, '--install-extension', options.vsix], { env });
  }

  let output = '';
  // detached: the server gets its own process group, so stop() ends its extension host and watcher too.
  const child: ChildProcess = spawn(
    process.execPath,
    [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', ...(options.restricted ? [] : ['--disable-workspace-trust']), options.workspace],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
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
    await rm(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`code-server exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz on port ${port} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`,
    port,
    log: () => output,
    stop,
  };
}
