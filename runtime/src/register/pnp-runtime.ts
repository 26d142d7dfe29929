import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The Node options that set up Yarn's Plug'n'Play runtime for a project, as `yarn node` passes them:
 * `.pnp.cjs` preloaded (CommonJS and `fs` learn the PnP map and zip archives) and `.pnp.loader.mjs`
 * as an ES module loader. Empty when the project has no `.pnp.cjs`, or when `NODE_OPTIONS` already
 * sets the runtime up (a script started by `yarn run`). Given before `multiverse/register`, Yarn's
 * hooks come first and Multiverse's wrap them: imports routed to a namespace are answered by
 * Multiverse, every other one falls through to Yarn.
 */
export function pnpRuntimeArgs(projectDir: string, env: NodeJS.ProcessEnv): string[] {
  const pnp = path.join(projectDir, '.pnp.cjs');
  if (!existsSync(pnp) || (env.NODE_OPTIONS ?? '').includes('.pnp.cjs')) return [];
  const loader = path.join(projectDir, '.pnp.loader.mjs');
  return ['--require', pnp, ...(existsSync(loader) ? ['--experimental-loader', pathToFileURL(loader).href] : [])];
}
