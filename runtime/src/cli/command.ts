/** Streams a command writes to; injected so tests can run the CLI in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
}

/** Exit codes promised by the CLI contract. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A command's implementation: loaded only when the command runs or its help is asked for. */
export interface Command {
  /** Full `--help` text of the command. */
  help: string;
  /** Arguments after the first one belong to something else (a script): `--help` there is not ours. */
  passThrough?: boolean;
  run(args: string[], io: CliIO): Promise<number>;
}
