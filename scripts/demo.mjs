// The main job, as the README's quick start runs it: an app whose two plugins need React 17 and
// React 18. npm alone refuses to install it; Multiverse isolates one plugin into a namespace and
// the app runs with both Reacts in one process. Works on a temporary copy of demo/, so the
// repository stays clean (pass --keep to keep the copy for exploring).
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyDemo, repoRoot, runInApp } from './demo-app.mjs';

const bin = path.join(repoRoot, 'runtime', 'bin', 'multiverse.js');
const keep = process.argv.includes('--keep');
const app = mkdtempSync(path.join(os.tmpdir(), 'multiverse-demo-'));
copyDemo(app);

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
let stepNumber = 0;
function step(title) {
  stepNumber += 1;
  console.log(`\n${bold(`${stepNumber}. ${title}`)}`);
}
/** Runs a command in the app, echoing it as `$ <shown>`, and prints its output (or the lines matching `show`) in order. */
function run(shown, command, args, { show = 'all' } = {}) {
  console.log(`$ ${shown}`);
  const result = runInApp(app, command, args);
  const lines = result.output.split('\n').filter((l) => l.trim() !== '' && !/Unknown (user|env) config/.test(l));
  for (const line of show === 'all' ? lines : lines.filter((l) => show.test(l))) console.log(`  ${line}`);
  return result;
}
const multiverse = (...args) => run(`multiverse ${args.join(' ')}`, process.execPath, [bin, ...args]);
function fail(message) {
  console.error(`\ndemo: ${message}\nThe demo app is in ${app}.`);
  process.exit(1);
}

try {
  console.log(`Demo app (a copy of demo/): ${app}`);
  console.log('  plugins/legacy-widget needs react@17 + react-dom@17; plugins/modern-widget needs react@18 + react-dom@18.');

  step('Plain npm refuses the app');
  const npmFirst = run('npm install', 'npm', ['install'], { show: /ERESOLVE|While resolving|Found: react|peer react@|Could not resolve/ });
  if (npmFirst.status === 0 || !/ERESOLVE/.test(npmFirst.output)) fail('expected npm install to fail with ERESOLVE, but it did not.');
  console.log(`  -> npm exits ${npmFirst.status}: one tree cannot hold both React majors.`);

  step('Forced in anyway, the tree is broken, and multiverse check says where');
  // What people do under pressure: accept npm's broken resolution, then let CI catch it.
  run('npm install --legacy-peer-deps', 'npm', ['install', '--legacy-peer-deps'], { show: /added|ERR/ });
  const forced = multiverse('check');
  if (forced.status !== 1) fail(`expected multiverse check to report the conflict (exit 1), got exit ${forced.status}.`);
  console.log('  -> exit 1: findings.');

  step("multiverse isolate moves legacy-widget into a namespace, installs it, and updates the app's own tree as npm install would");
  if (multiverse('isolate', 'legacy-widget', '--namespace', 'legacy').status !== 0) fail('multiverse isolate failed.');

  step("npm agrees: the app's own tree installs without the conflict, with nothing left to change");
  if (run('npm install', 'npm', ['install'], { show: /added|removed|changed|up to date|ERR/ }).status !== 0) fail('npm install still fails.');

  step('multiverse install: the namespace is already up to date (fingerprint)');
  if (multiverse('install').status !== 0) fail('multiverse install failed.');

  step('multiverse check: the conflict is gone');
  const after = multiverse('check');
  console.log(`  -> exit ${after.status}${after.status === 0 ? ': clean.' : ' (1 = findings).'}`);

  step('multiverse why react: one copy per tree, and who needs it');
  multiverse('why', 'react');

  step('Run the app: both React versions in one process');
  if (multiverse('run', 'app.js').status !== 0) fail('the app failed.');

  step('An isolated extension (extensions/greeter, declared in multiverse.json) answers a call from its own worker');
  if (multiverse('ext', 'call', 'greeter', 'greet', '"demo"').status !== 0) fail('the isolated extension call failed.');
} finally {
  if (!keep) rmSync(app, { recursive: true, force: true });
}
