import { mkdir, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as DemoApp from '../../scripts/demo-app.mjs' with { 'resolution-mode': 'import' };
import { repoRoot } from '../support/paths';

/**
 * The demo app as the editor meets it, in `parent/app`: a copy of demo/ installed with
 * `npm install --legacy-peer-deps` from the real registry (react@18 installed while legacy-widget
 * asks for react@17), prepared by the demo's own code (scripts/demo-app.mjs). The `multiverse`
 * runtime the editor loads to run the demo's isolated extension is this repo's, linked into
 * node_modules one level above the app, so the app's own tree stays exactly as npm left it.
 */
export async function prepareDemoWorkspace(parent: string): Promise<string> {
  const demo = await demoApp();
  const app = path.join(parent, 'app');
  demo.prepareConflictedDemo(app);
  await mkdir(path.join(parent, 'node_modules'), { recursive: true });
  await symlink(path.join(repoRoot, 'runtime'), path.join(parent, 'node_modules', 'multiverse'), 'dir');
  return app;
}

/**
 * A fresh copy of demo/ in `dir` where `multiverse isolate <pkg> --no-install` has run: the files the
 * CLI writes, for comparing with what the editor wrote.
 */
export async function isolatedByCli(dir: string, pkg: string): Promise<string> {
  const demo = await demoApp();
  demo.copyDemo(dir);
  const { status, output } = demo.runInApp(dir, process.execPath, [path.join(repoRoot, 'runtime', 'bin', 'multiverse.js'), 'isolate', pkg, '--no-install']);
  if (status !== 0) throw new Error(`multiverse isolate ${pkg} failed in ${dir} (exit ${status}):\n${output}`);
  return dir;
}

function demoApp(): Promise<typeof DemoApp> {
  // The path is absolute: this file runs from out/test/e2e, the script stays in scripts/.
  return import(pathToFileURL(path.join(repoRoot, 'scripts', 'demo-app.mjs')).href) as Promise<typeof DemoApp>;
}
