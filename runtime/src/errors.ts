/**
 * Every error Multiverse raises on purpose carries a stable `code` so that callers (the CLI, the
 * language server, tests) can branch on it, and a message that says what to do next.
 */
export class MultiverseError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MultiverseError';
    this.code = code;
  }
}

/** Bad input from the user: a name, a spec, a path or a config file. The CLI exits 2 on these. */
export class InputError extends MultiverseError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'InputError';
  }
}
