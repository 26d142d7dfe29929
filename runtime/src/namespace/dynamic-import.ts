import type * as Lexer from 'es-module-lexer' with { 'resolution-mode': 'import' };

// The lexer's types describe its ESM build; its `require` entry is the same API, loaded synchronously
// because compiling a CommonJS module cannot wait.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { initSync, parse } = require('es-module-lexer') as typeof Lexer;

/** The identifier that stands in for `import` in `import(...)` calls of namespaced CommonJS. */
export const DYNAMIC_IMPORT = '$mvimp';

let ready = false;
const MAYBE_DYNAMIC_IMPORT = /\bimport\s*\(/;

/**
 * Rewrites each `import(` call in CommonJS source to `$mvimp(`, a wrapper parameter that imports
 * inside the namespace. Node 20 offers no other hook: a vm.Script's own `importModuleDynamically`
 * callback needs --experimental-vm-modules, and the default loader would import outside the
 * namespace. `$mvimp` has the length of `import`, so every line and column stays where it was.
 * Only sources that mention `import(` pay for the lexer; a source the lexer cannot read is left
 * alone and the compiler reports its real syntax error.
 */
export function rewriteDynamicImports(source: string): string {
  if (!MAYBE_DYNAMIC_IMPORT.test(source)) return source;
  if (!ready) {
    initSync();
    ready = true;
  }
  let imports: ReturnType<typeof Lexer.parse>[0];
  try {
    [imports] = parse(source);
  } catch {
    return source;
  }
  let out = '';
  let last = 0;
  for (const entry of imports) {
    if (entry.d < 0) continue;
    out += source.slice(last, entry.ss) + DYNAMIC_IMPORT;
    last = entry.ss + DYNAMIC_IMPORT.length;
  }
  return last === 0 ? source : out + source.slice(last);
}
