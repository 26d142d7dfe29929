import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';
import { startCodeServer } from './code-server';
import { prepareDemoWorkspace } from './demo-workspace';

/**
 * `npm run web` (after the build and the .vsix): a real VS Code in the browser, code-server with
 * the packaged extension on a fresh copy of the demo app, installed with its peer conflict, for a
 * person to try the stories the end-to-end tests prove. Runs until Ctrl+C, then removes the server's
 * folders and the demo copy.
 */
async function main(): Promise<void> {
  const say = (line: string): boolean => process.stdout.write(`${line}\n`);
  const parent = await mkdtemp(path.join(os.tmpdir(), 'multiverse-web-'));
  let stopping = false;
  try {
    say('Preparing the demo app (npm install --legacy-peer-deps from the registry)…');
    const app = await prepareDemoWorkspace(parent);
    const server = await startCodeServer({ workspace: app, vsix: path.join(repoRoot, 'multiverse.vsix') });
    say(`\nMultiverse in VS Code (code-server): ${server.url}\nDemo app: ${app}\nPress Ctrl+C to stop and remove both.`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    say('Stopping code-server…');
    await server.stop();
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run web: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
