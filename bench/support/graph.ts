import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes a dependency graph of `packages × filesPerPackage` modules under `dir/node_modules`:
 * each file requires the next file of its package and a file of the next package, so loading
 * `pkg0` loads every module once, through relative and bare specifiers, like a real tree.
 * `format` picks CommonJS (`require`) or ESM (`import`, `"type": "module"`).
 */
export async function writeGraph(dir: string, format: 'commonjs' | 'module', packages: number, filesPerPackage: number): Promise<void> {
  for (let p = 0; p < packages; p += 1) {
    const pkg = path.join(dir, 'node_modules', `pkg${p}`);
    await mkdir(pkg, { recursive: true });
    const manifest = { name: `pkg${p}`, version: '1.0.0', main: 'index.js', ...(format === 'module' ? { type: 'module', exports: { '.': './index.js', './*': './*.js' } } : {}) };
    await writeFile(path.join(pkg, 'package.json'), JSON.stringify(manifest));
    for (let f = 0; f < filesPerPackage; f += 1) {
      const deps: string[] = [];
      if (f + 1 < filesPerPackage) deps.push(`./file${f + 1}${format === 'module' ? '.js' : ''}`);
      if (f === 0 && p + 1 < packages) deps.push(`pkg${p + 1}`);
      const name = f === 0 ? 'index.js' : `file${f}.js`;
      await writeFile(path.join(pkg, name), moduleSource(format, `pkg${p}/${f}`, deps));
    }
  }
}

function moduleSource(format: 'commonjs' | 'module', id: string, deps: string[]): string {
  const body = `
const table = { id: ${JSON.stringify(id)}, values: [1, 2, 3, 4, 5, 6, 7, 8], label: 'module ' + ${JSON.stringify(id)} };
function compute(x) {
  let total = 0;
  for (const v of table.values) total += v * x;
  return total + children.reduce((sum, child) => sum + (typeof child.compute === 'function' ? 1 : 0), 0);
}
`;
  if (format === 'commonjs') {
    return `'use strict';\nconst children = [${deps.map((d) => `require(${JSON.stringify(d)})`).join(', ')}];${body}module.exports = { compute, table };\n`;
  }
  const imports = deps.map((d, i) => `import * as dep${i} from ${JSON.stringify(d)};`).join('\n');
  return `${imports}\nconst children = [${deps.map((_, i) => `dep${i}`).join(', ')}];${body}export { compute, table };\n`;
}
