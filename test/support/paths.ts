import * as path from 'node:path';

/** The repository root: compiled tests live in out/test/**, sources in test/**. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Folders of the fixture packages, one per package version. */
export const fixturePackagesDir = path.join(repoRoot, 'test', 'fixtures', 'packages');
