// A plain require so that bundlers (the language server's esbuild bundle) inline the manifest;
// the package.json sits one level above dist/ in the published package.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const manifest = require('../package.json') as { version: string };

/** The version of the `multiverse` package. */
export const version: string = manifest.version;
