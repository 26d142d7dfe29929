// Other Node release lines for tests and benchmarks, from the npm registry alone: the package
// node-<platform>-<arch>@<major> carries the real binary (bin/node). Each line installs once into
// its own folder of a cache (MULTIVERSE_NODE_CACHE, default ~/.cache/multiverse-node/<major>).
//   node scripts/node-lines.mjs 22 24   installs what is missing and prints each binary's path
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const cache = process.env.MULTIVERSE_NODE_CACHE ?? path.join(os.homedir(), '.cache', 'multiverse-node');

/** The `node` binary of release line `major` (a number such as 22), installed first if missing. */
export function nodeBinary(major) {
  if (!/^\d+$/.test(String(major))) throw new Error(`A Node release line is a major version such as 22 or 24, got ${JSON.stringify(major)}.`);
  if (String(major) === process.versions.node.split('.')[0]) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = path.join(cache, String(major));
  const binary = path.join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary) && versionOf(binary).startsWith(`v${major}.`)) return binary;
  console.error(`node-lines: installing Node ${major} (${pkg}@${major} from the npm registry) into ${dir}`);
  mkdirSync(dir, { recursive: true });
  // Its own package.json, so npm installs here and not into a project above.
  if (!existsSync(path.join(dir, 'package.json'))) writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `${pkg}@${major}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const version = versionOf(binary);
  if (!version.startsWith(`v${major}.`)) throw new Error(`${pkg}@${major} installed ${binary}, which says it is ${version}.`);
  return binary;
}

function versionOf(binary) {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

/** Takes `--node <major>` out of `args`: the binary to use (installed if needed) and the rest. */
export function nodeOption(args) {
  const at = args.indexOf('--node');
  if (at === -1) return { node: process.execPath, rest: args };
  const major = args[at + 1];
  return { node: nodeBinary(major), rest: [...args.slice(0, at), ...args.slice(at + 2)] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const major of process.argv.slice(2)) console.log(nodeBinary(major));
}
