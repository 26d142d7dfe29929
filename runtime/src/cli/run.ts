import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors';
import { loadProject } from '../project';
import { pnpRuntimeArgs } from '../register/pnp-runtime';
import { findProjectDir } from '../register/project-dir';
import type { Command } from './command';

export const runCommand: Command = {
  passThrough: true,
  help: `Usage: multiverse run <script> [args...]

Runs <script> with Node, the way "node --import multiverse/register <script>" would: app files
that import a package a namespace provides get that namespace's copy (multiverse.json "scope"
globs choose between namespaces), and code inside a namespace resolves only inside it. Works for
CommonJS and ES module apps. Everything after <script> is passed to it.

The project is the nearest folder at or above the current one with multiverse.json; its
namespaces must be installed ("multiverse install"). In a Yarn Plug'n'Play project, Yarn's runtime
(.pnp.cjs and its loader) is set up first, as "yarn node" does, and every import the namespaces do
not take goes to Yarn.

Exit code: the script's own (128 + signal number when a signal ended it); 2 when the script or
the project cannot be used.
`,
  async run(args, io) {
    const [script, ...rest] = args;
    if (script === undefined || script.startsWith('-')) throw new InputError('EUSAGE', `expects a script to run, got ${script === undefined ? 'nothing' : JSON.stringify(script)}`);
    const file = path.resolve(io.cwd, script);
    if (!existsSync(file)) throw new InputError('ENOSCRIPT', `${file} does not exist`);
    const projectDir = findProjectDir(io.cwd, process.env);
    // Fails here, with the reason, rather than inside the child (not installed, broken map).
    loadProject(projectDir);
    const register = pathToFileURL(path.join(__dirname, '..', 'register', 'index.js')).href;
    const child = spawn(process.execPath, [...pnpRuntimeArgs(projectDir, process.env), '--import', register, file, ...rest], {
      cwd: io.cwd,
      env: { ...process.env, MULTIVERSE_PROJECT: projectDir },
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    child.stdout.pipe(io.stdout, { end: false });
    child.stderr.pipe(io.stderr, { end: false });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])));
      });
    } finally {
      process.off('SIGINT', forward).off('SIGTERM', forward);
    }
  },
};
