import { readFileSync } from 'node:fs';
import { parse } from 'cjs-module-lexer';
import { type ResolverCache, resolveModule } from '../resolver';

/**
 * The named exports Node would give a CommonJS module imported from ESM: what cjs-module-lexer
 * (the lexer Node itself uses) finds, following `module.exports = require(...)` re-exports through
 * the namespace's own resolution.
 */
export function commonJsExportNames(file: string, boundary: string, cache: ResolverCache, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  let lexed: ReturnType<typeof parse>;
  try {
    lexed = parse(readFileSync(file, 'utf8'));
  } catch {
    // Node gives an unlexable module only a default export; evaluating it reports the real error.
    return names;
  }
  for (const name of lexed.exports) names.add(name);
  for (const specifier of lexed.reexports) {
    try {
      const target = resolveModule(specifier, file, { conditions: 'require', boundary, cache });
      if (target.format !== 'commonjs') continue;
      for (const name of commonJsExportNames(target.path, boundary, cache, seen)) names.add(name);
    } catch {
      // An unresolvable re-export contributes no names, as in Node.
    }
  }
  names.delete('default');
  return names;
}

/** Source of an ES module that re-exports `source` (an expression) with the given names. */
export function reexportSource(setup: string, names: Iterable<string>): string {
  const lines = [`const __mv = ${setup};`, 'export default __mv;'];
  const specifiers: string[] = [];
  let i = 0;
  for (const name of names) {
    lines.push(`const __e${i} = __mv?.[${JSON.stringify(name)}];`);
    specifiers.push(`__e${i} as ${JSON.stringify(name)}`);
    i += 1;
  }
  if (specifiers.length > 0) lines.push(`export { ${specifiers.join(', ')} };`);
  return lines.join('\n');
}
