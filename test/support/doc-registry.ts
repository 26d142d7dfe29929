import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import Arborist from '@npmcli/arborist';
import * as semver from 'semver';
import { buildOnce } from './build-once';
import { packFixtures, type PackageManifest, type PackedFixture } from './fixtures';
import { repoRoot } from './paths';

const run = promisify(execFile);

/**
 * Real npm packages the README snippets install, besides the fixture packages: the demo app's
 * React majors and the csv-parse of the extension examples. Their dependencies come along. A
 * snippet that installs something else needs it added here.
 */
export const DOC_PACKAGES = ['react@17.0.2', 'react-dom@17.0.2', 'react@18.3.1', 'react-dom@18.3.1', 'csv-parse@5.6.0'];

interface Pacote {
  manifest(spec: string, options: object): Promise<{ name: string; version: string; dependencies?: Record<string, string>; _integrity?: string }>;
  tarball(spec: string, options: object): Promise<Buffer & { integrity: string }>;
}
interface Cacache {
  get: { byDigest(cache: string, integrity: string): Promise<Buffer> };
}
/* eslint-disable @typescript-eslint/no-require-imports -- arborist's own dependencies, without type packages */
const pacote = require('pacote') as Pacote;
const cacache = require('cacache') as Cacache;
/* eslint-enable @typescript-eslint/no-require-imports */

const npmCache = process.env.npm_config_cache ?? path.join(os.homedir(), '.npm');

/** name@version and integrity of every package `npm install <runtime tarball>` needs, from the repository's lockfile. */
async function runtimeDependencies(): Promise<{ name: string; version: string; integrity: string | null }[]> {
  const tree = await new Arborist({ path: repoRoot }).loadVirtual();
  const runtime = tree.children.get('multiverse');
  if (!runtime) throw new Error(`the lockfile of ${repoRoot} has no multiverse workspace`);
  const seen = new Map<string, { name: string; version: string; integrity: string | null }>();
  const walk = (node: typeof runtime): void => {
    for (const edge of node.edgesOut.values()) {
      const to = edge.to;
      if (edge.dev || !to || to.isLink || seen.has(to.location)) continue;
      seen.set(to.location, { name: to.packageName, version: to.version, integrity: to.integrity });
      walk(to);
    }
  };
  walk(runtime.target);
  return [...new Map([...seen.values()].map((p) => [`${p.name}@${p.version}`, p])).values()];
}

async function fixtureOf(dir: string, name: string, version: string, data: Buffer): Promise<PackedFixture> {
  const tarball = path.join(dir, `${name.replace('/', '-')}-${version}.tgz`);
  await writeFile(tarball, data);
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'], { maxBuffer: 16 * 1024 * 1024 });
  const manifest = JSON.parse(stdout) as PackageManifest;
  const integrity = `sha512-${createHash('sha512').update(data).digest('base64')}`;
  return { name, version, tarball, integrity, manifest: { ...manifest, name, version } };
}

/** The doc packages and their dependencies, resolved against the npm registry (through npm's cache). */
async function docPackages(dir: string): Promise<PackedFixture[]> {
  const mirrored: PackedFixture[] = [];
  const queue = [...DOC_PACKAGES];
  for (let spec = queue.shift(); spec !== undefined; spec = queue.shift()) {
    const at = spec.lastIndexOf('@');
    const [name, range] = [spec.slice(0, at), spec.slice(at + 1)];
    if (mirrored.some((m) => m.name === name && semver.satisfies(m.version, range))) continue;
    const manifest = await pacote.manifest(spec, { cache: path.join(npmCache, '_cacache'), preferOffline: true });
    const data = await pacote.tarball(`${manifest.name}@${manifest.version}`, { cache: path.join(npmCache, '_cacache'), preferOffline: true });
    mirrored.push(await fixtureOf(dir, manifest.name, manifest.version, data));
    for (const [dep, depRange] of Object.entries(manifest.dependencies ?? {})) queue.push(`${dep}@${depRange}`);
  }
  return mirrored;
}

/**
 * Tarballs for a fixture registry that can install the runtime package and everything the README
 * snippets use, offline after the first run: the fixture packages, the runtime's dependencies
 * (from npm's cache, where `npm ci` put them) and {@link DOC_PACKAGES}. Built once per machine.
 */
export async function docRegistryPackages(): Promise<PackedFixture[]> {
  const runtime = await runtimeDependencies();
  const key = createHash('sha256').update(JSON.stringify([runtime, DOC_PACKAGES])).digest('hex').slice(0, 16);
  const target = path.join(os.tmpdir(), `multiverse-doc-registry-${key}`);
  await buildOnce(target, 'packages.json', async (staging) => {
    const packages: PackedFixture[] = [];
    for (const dep of runtime) {
      const cached = dep.integrity === null ? null : await cacache.get.byDigest(path.join(npmCache, '_cacache'), dep.integrity).catch(() => null);
      const data = cached ?? (await pacote.tarball(`${dep.name}@${dep.version}`, { cache: path.join(npmCache, '_cacache'), preferOffline: true, integrity: dep.integrity ?? undefined }));
      packages.push(await fixtureOf(staging, dep.name, dep.version, data));
    }
    packages.push(...(await docPackages(staging)));
    // Paths are written for the final folder: the staging folder is renamed into place.
    const placed = packages.map((p) => ({ ...p, tarball: path.join(target, path.basename(p.tarball)) }));
    await writeFile(path.join(staging, 'packages.json'), JSON.stringify(placed));
  });
  const mirrored = JSON.parse(await readFile(path.join(target, 'packages.json'), 'utf8')) as PackedFixture[];
  return [...(await packFixtures()), ...mirrored];
}
