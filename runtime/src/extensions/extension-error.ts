import { MultiverseError } from '../errors';

export interface ExtensionErrorDetails {
  extension: string;
  exitCode?: number | null;
  signal?: string | null;
  /** The last lines the extension wrote to stderr. */
  stderr?: string;
  cause?: unknown;
}

/**
 * An extension failed as a whole: it threw while loading, exited, was killed, ran out of memory or
 * did not start in time. Pending calls reject with it. Codes: EEXTENSIONLOAD, EEXTENSIONEXIT,
 * EEXTENSIONKILLED, EEXTENSIONOOM, EEXTENSIONCRASH (uncaught exception in a worker),
 * EEXTENSIONSTART (start timeout), EEXTENSIONSTOPPED.
 */
export class ExtensionError extends MultiverseError {
  readonly extension: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderr: string;

  constructor(code: string, message: string, details: ExtensionErrorDetails) {
    const tail = details.stderr?.trimEnd() ?? '';
    super(code, tail === '' ? message : `${message}\nLast lines of its stderr:\n${indent(tail)}`, { cause: details.cause });
    this.name = 'ExtensionError';
    this.extension = details.extension;
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
    this.stderr = details.stderr ?? '';
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n');
}
