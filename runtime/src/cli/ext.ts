import { parseArgs } from 'node:util';
import { readConfig } from '../config';
import type { ProjectConfig } from '../config/types';
import { InputError } from '../errors';
import { callOptions } from '../rpc/call-options';
import { ExtensionManager, type ExtensionLogEvent } from '../extensions/manager';
import { EXIT_FINDINGS, EXIT_OK, type CliIO, type Command } from './command';
import { projectDir, projectHelp, projectOption } from './project-option';

const help = `Usage: multiverse ext list [--json] [-C <dir>]
       multiverse ext call <name> <method> [json-args] [--timeout <ms>] [-C <dir>]

Runs the isolated extensions declared under "extensions" in multiverse.json.

  list   prints each declared extension: name, isolation, path and dependencies.
  call   starts the extension (installing its dependencies into .multiverse/.extensions/<name>/
         when they changed), calls <method> with [json-args] and prints the result as JSON on
         stdout, then stops it. [json-args] is a JSON array of arguments, or one JSON value taken
         as the only argument. The extension's own output goes to stderr.

Options:
  --json           (list) print JSON
  --timeout <ms>   (call) give up on the call after this many milliseconds
${projectHelp}

Exit codes: 0 success; 1 the extension failed to start or the method threw (message on stderr);
2 usage errors, a bad multiverse.json or an unknown extension.
`;

/** `multiverse ext list` and `multiverse ext call`. */
export const extCommand: Command = {
  help,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, io);
    if (sub === 'call') return call(rest, io);
    throw new InputError('EUSAGE', `expects "list" or "call", got ${sub === undefined ? 'nothing' : JSON.stringify(sub)}. Run "multiverse ext --help".`);
  },
};

async function list(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false }, ...projectOption } });
  if (positionals.length > 0) throw new InputError('EUSAGE', `"ext list" takes no arguments, got ${positionals.join(' ')}`);
  const config = await requireConfig(await projectDir(values.project, io.cwd));
  const rows = Object.entries(config.extensions).map(([name, e]) => ({ name, isolation: e.isolation, path: e.path, dependencies: e.dependencies }));
  if (values.json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    io.stdout.write(`No extensions declared in ${config.file}.\n`);
    return EXIT_OK;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const row of rows) {
    const deps = Object.entries(row.dependencies).map(([pkg, spec]) => `${pkg}@${spec}`);
    io.stdout.write(`${row.name.padEnd(width)}  ${row.isolation.padEnd(7)}  ${row.path}${deps.length === 0 ? '' : `  (${deps.join(', ')})`}\n`);
  }
  return EXIT_OK;
}

async function call(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { timeout: { type: 'string' }, ...projectOption } });
  const [name, method, json, ...extra] = positionals;
  if (name === undefined || method === undefined || extra.length > 0) throw new InputError('EUSAGE', 'expects <name> <method> [json-args]. Run "multiverse ext --help".');
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new InputError('EUSAGE', `--timeout must be a positive number of milliseconds, got ${JSON.stringify(values.timeout)}`);
  const callArgs = parseArguments(json);
  const manager = new ExtensionManager({ root: await projectDir(values.project, io.cwd) });
  manager.on('log', (event: ExtensionLogEvent) => io.stderr.write(`[${event.name}] ${event.line}\n`));
  try {
    const ext = await manager.loadDeclared(name);
    const result = await ext[method]?.(...callArgs, callOptions({ timeoutMs }));
    io.stdout.write(`${JSON.stringify(result === undefined ? null : result, null, 2)}\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const e = error as Error & { code?: unknown };
    io.stderr.write(`multiverse ext call: ${name}.${method}() failed: ${e.name}${e.code === undefined ? '' : ` [${String(e.code)}]`}: ${e.message}\n`);
    return EXIT_FINDINGS;
  } finally {
    await manager.stopAll();
  }
}

function parseArguments(json: string | undefined): unknown[] {
  if (json === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InputError('EUSAGE', `[json-args] is not valid JSON: ${(error as Error).message}`);
  }
  return Array.isArray(value) ? value : [value];
}

async function requireConfig(root: string): Promise<ProjectConfig> {
  const config = await readConfig(root);
  if (config === null) throw new InputError('ENOCONFIG', `no multiverse.json in ${root}; declare extensions under "extensions" there.`);
  return config;
}
