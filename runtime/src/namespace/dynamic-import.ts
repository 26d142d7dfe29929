import { lexImports } from './es-lexer';

/** The identifier that stands in for `import` in `import(...)` calls of namespaced CommonJS. */
export const DYNAMIC_IMPORT = '$mvimp';

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
  let imports: ReturnType<typeof lexImports>;
  try {
    imports = lexImports(source);
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
