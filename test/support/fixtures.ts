import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { buildOnce } from './build-once';
import { fixturePackagesDir } from './paths';

const run = promisify(execFile);

/** One packed fixture: what `npm pack` made of a folder under test/fixtures/packages. */
export interface PackedFixture {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Subresource integrity (sha512) of the tarball, as npm writes it in lockfiles. */
  integrity: string;
  manifest: PackageManifest;
}

export interface PackageManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** A hash of every fixture file, so a changed fixture is packed again and an unchanged one is not. */
async function fixturesHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFiles(fixturePackagesDir)) {
    hash.update(path.relative(fixturePackagesDir, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Packs every fixture folder with the real `npm pack` into `dest` and returns what it made.
 * Without `dest`, packs once into a content-addressed folder under the OS temp dir and reuses it,
 * so test files running in parallel processes share one packing.
 */
export async function packFixtures(dest?: string): Promise<PackedFixture[]> {
  const target = dest ?? path.join(os.tmpdir(), `multiverse-fixtures-${await fixturesHash()}`);
  await buildOnce(target, 'fixtures.json', async (staging) => {
    const dirs = (await readdir(fixturePackagesDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => path.join(fixturePackagesDir, e.name));
    const { stdout } = await run('npm', ['pack', ...dirs, '--pack-destination', staging, '--json', '--ignore-scripts', '--loglevel=error'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const packed = JSON.parse(stdout) as { name: string; version: string; filename: string; integrity: string }[];
    const fixtures: PackedFixture[] = [];
    for (const entry of packed) {
      const dir = dirs.find((d) => path.basename(d) === entry.name || path.basename(d) === `${entry.name}-${entry.version}`);
      if (!dir) throw new Error(`npm pack reported ${entry.name}@${entry.version}, which matches no folder in ${fixturePackagesDir}`);
      const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageManifest;
      fixtures.push({ name: entry.name, version: entry.version, tarball: path.join(target, entry.filename), integrity: entry.integrity, manifest });
    }
    await writeFile(path.join(staging, 'fixtures.json'), JSON.stringify(fixtures, null, 2));
  });
  return JSON.parse(await readFile(path.join(target, 'fixtures.json'), 'utf8')) as PackedFixture[];
}

if (require.main === module) {
  const dest = process.argv[2];
  packFixtures(dest ? path.resolve(dest) : undefined).then(
    (fixtures) => {
      for (const f of fixtures) process.stdout.write(`${f.name}@${f.version}\t${f.tarball}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`pack-fixtures: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
