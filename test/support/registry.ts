import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { packFixtures, type PackedFixture } from './fixtures';

export interface FixtureRegistry {
  /** Registry URL with a trailing slash, for arborist's `registry` option or an .npmrc. */
  url: string;
  /**
   * From now on, answers no request for `what` until `release()`: `requested` resolves with the
   * package name of the first one held, so a test can act while an install is resolving
   * (packuments) or fetching (tarballs), by order and not by time.
   */
  hold(what: 'packuments' | 'tarballs'): { requested: Promise<string>; release(): void };
  close(): Promise<void>;
}

interface Hold {
  what: 'packuments' | 'tarballs';
  requested(name: string): void;
  released: Promise<void>;
}

/**
 * Serves the packed fixtures as an npm registry on 127.0.0.1, so installs in tests run through the
 * real arborist and the real HTTP fetch path, with semver ranges and dist-tags, and need no network.
 */
export async function startFixtureRegistry(fixtures?: PackedFixture[]): Promise<FixtureRegistry> {
  const packed = fixtures ?? (await packFixtures());
  const byName = new Map<string, PackedFixture[]>();
  for (const f of packed) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);

  let base = '';
  let hold: Hold | null = null;
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', base).pathname).slice(1);
    const tarball = packed.find((f) => url === `${f.name}/-/${path.basename(f.tarball)}`);
    const versions = byName.get(url);
    const serve = (): void => {
      // The client may have hung up while the answer was held.
      if (res.destroyed) return;
      if (tarball) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        createReadStream(tarball.tarball).pipe(res);
      } else if (versions) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(packument(url, versions, base)));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'Not found' }));
      }
    };
    const current = hold;
    const held = current !== null && (current.what === 'tarballs' ? tarball !== undefined : versions !== undefined);
    if (!held) return serve();
    current.requested(tarball?.name ?? url);
    void current.released.then(serve);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    hold: (what) => {
      let requested!: (name: string) => void;
      let release!: () => void;
      const current: Hold = {
        what,
        requested: (name) => requested(name),
        released: new Promise<void>((resolve) => {
          release = resolve;
        }),
      };
      const first = new Promise<string>((resolve) => {
        requested = resolve;
      });
      hold = current;
      return {
        requested: first,
        release: () => {
          if (hold === current) hold = null;
          release();
        },
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function packument(name: string, versions: PackedFixture[], base: string): object {
  const sorted = [...versions].sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
  const latest = sorted[sorted.length - 1];
  return {
    name,
    'dist-tags': { latest: latest?.version },
    versions: Object.fromEntries(
      sorted.map((f) => [
        f.version,
        { ...f.manifest, dist: { tarball: `${base}${name}/-/${path.basename(f.tarball)}`, integrity: f.integrity } },
      ]),
    ),
  };
}
