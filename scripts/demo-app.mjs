// The demo app's preparation, shared by the demo script (scripts/demo.mjs), the end-to-end tests
// and `npm run web`, so the editor shows exactly the tree the demo walks through.
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Copies demo/ into `app` (created if needed), without installed trees a local run may have left. */
export function copyDemo(app) {
  mkdirSync(app, { recursive: true });
  cpSync(path.join(repoRoot, 'demo'), app, { recursive: true, filter: (src) => !/[\\/](node_modules|\.multiverse)$/.test(src) });
}

/**
 * Runs `command` in `app` and returns its exit status and output, stdout and stderr interleaved in
 * the order they happened (one file for both keeps progress lines and results in order), without
 * npm's update, funding and audit chatter.
 */
export function runInApp(app, command, args) {
  const logFile = path.join(app, '.demo-output.log');
  const fd = openSync(logFile, 'w');
  const result = spawnSync(command, args, {
    cwd: app,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_loglevel: 'warn' },
  });
  closeSync(fd);
  const output = readFileSync(logFile, 'utf8');
  rmSync(logFile);
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not start in ${app}: ${result.error.message}`);
  return { status: result.status ?? 1, output };
}

/**
 * The demo as people force it past ERESOLVE: a copy of demo/ in `app`, installed with
 * `npm install --legacy-peer-deps` from the real registry, so react@18 is installed while
 * legacy-widget asks for react@17 (the peer conflict Multiverse reports).
 */
export function prepareConflictedDemo(app) {
  copyDemo(app);
  const { status, output } = runInApp(app, 'npm', ['install', '--legacy-peer-deps']);
  if (status !== 0) throw new Error(`npm install --legacy-peer-deps failed in the demo copy ${app} (exit ${status}):\n${output}`);
  return { output };
}
