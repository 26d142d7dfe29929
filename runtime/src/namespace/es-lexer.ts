import type * as Lexer from 'es-module-lexer' with { 'resolution-mode': 'import' };

// The lexer's types describe its ESM build; its `require` entry is the same API, loaded synchronously
// because compiling a CommonJS module cannot wait.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lexer = require('es-module-lexer') as typeof Lexer;
let ready = false;

/** Lexes `source` with es-module-lexer (its WebAssembly is set up on first use); throws on bad syntax. */
export function lexImports(source: string): ReturnType<typeof Lexer.parse>[0] {
  if (!ready) {
    lexer.initSync();
    ready = true;
  }
  return lexer.parse(source)[0];
}
