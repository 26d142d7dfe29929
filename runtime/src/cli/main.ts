import { MultiverseError } from '../errors';
import { version } from '../version';
import { EXIT_USAGE, EXIT_OK, type CliIO } from './command';
import { commands } from './commands';

export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `multiverse ${version}: conflicting dependency versions side by side

Usage: multiverse <command> [options]

Commands:
${list}

Options:
  -h, --help     show help (also after a command: multiverse <command> --help)
  -v, --version  print the version

Exit codes: 0 clean, 1 findings, 2 usage or input errors.
`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? topic.load().help : usage());
    return EXIT_OK;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${version}\n`);
    return EXIT_OK;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`multiverse: unknown command ${JSON.stringify(name)}. Run "multiverse --help" for the list.\n`);
    return EXIT_USAGE;
  }
  const command = entry.load();
  const ours = command.passThrough === true ? rest.slice(0, 1) : rest;
  if (ours.includes('-h') || ours.includes('--help')) {
    io.stdout.write(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof MultiverseError || isParseArgsError(error)) {
      io.stderr.write(`multiverse ${entry.name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** `util.parseArgs` reports unknown options and bad values as TypeErrors with ERR_PARSE_ARGS_* codes. */
function isParseArgsError(error: unknown): error is TypeError {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}
