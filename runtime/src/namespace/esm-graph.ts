import { readFileSync } from 'node:fs';
import { type Resolution, type ResolverCache, resolveModule } from '../resolver';
import { lexImports } from './es-lexer';

/**
 * The ES modules (and JSON) statically imported from `entries`, transitively. Without hooks Node 20
 * does not tell anyone which ES modules it loaded, so `modules()` of a namespace that loads ESM
 * natively reports this graph: every static import certainly ran; `import()` calls are counted when
 * the namespace itself performed them (they become entries). CommonJS is not followed here: the
 * namespace registry records it when it really loads.
 */
export function staticEsmGraph(entries: Iterable<string>, boundary: string, cache: ResolverCache): Resolution[] {
  const found = new Map<string, Resolution>();
  const queue = [...entries].map((file) => resolveModule(file, file, { conditions: 'import', boundary, cache }));
  while (queue.length > 0) {
    const resolution = queue.shift() as Resolution;
    if (found.has(resolution.path)) continue;
    found.set(resolution.path, resolution);
    if (resolution.format !== 'module') continue;
    let imports: ReturnType<typeof lexImports>;
    try {
      imports = lexImports(readFileSync(resolution.path, 'utf8'));
    } catch {
      continue;
    }
    for (const entry of imports) {
      if (entry.d !== -1 || entry.n === undefined) continue;
      try {
        const target = resolveModule(entry.n, resolution.path, { conditions: 'import', boundary, cache });
        if (target.format === 'module' || target.format === 'json') queue.push(target);
      } catch {
        // A static import that does not resolve made the whole import fail: nothing to report.
      }
    }
  }
  return [...found.values()];
}
