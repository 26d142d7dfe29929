import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { repoRoot } from '../support/paths';
import { startCodeServer, type CodeServer } from './code-server';
import { prepareDemoWorkspace } from './demo-workspace';
import { Workbench } from './workbench';

// The user stories of the README, in a real VS Code (code-server) in Chromium, with the packaged
// .vsix installed, on the demo app as npm leaves it when forced past ERESOLVE. The stories run in
// order on one workbench: the isolation story changes the workspace the later stories look at.

let parent: string;
let app: string;
let server: CodeServer;
let workbench: Workbench;
/** The namespace "Isolate dependency" picked, read back from multiverse.json. */
let namespace: string;

/** The demo's conflict as the Problems panel lists it: legacy-widget's peer react@^17 against the installed react@18. */
const isPeerConflict = (row: string): boolean => /legacy-widget/.test(row) && /react@?"?\^17/.test(row);

before(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), 'multiverse-e2e-demo-'));
  app = await prepareDemoWorkspace(parent);
  // No schemastore download: offline it only adds a warning to the Problems panel the stories read.
  server = await startCodeServer({ workspace: app, vsix: path.join(repoRoot, 'multiverse.vsix'), settings: { 'json.schemaDownload.enable': false } });
  workbench = await Workbench.open(server.url);
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  await rm(parent, { recursive: true, force: true });
});

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(app, file), 'utf8')) as Record<string, unknown>;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Polls `probe` until it returns true; the deadline only turns a hang into a failure that says what was awaited. */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      await workbench.screenshot(`failed-${what.replace(/\W+/g, '-')}`);
      throw new Error(`gave up waiting for ${what}`);
    }
    await workbench.page.waitForTimeout(500);
  }
}

/** The Multiverse status bar entry once it shows `text`. */
function statusBar(text: string | RegExp): Locator {
  return workbench.page.locator('.statusbar-item', { hasText: text }).first();
}

test('1a. hovering an import in app.js shows where it resolves before isolating: the main tree', async () => {
  await workbench.openFile('app.js');
  const shown = await workbench.hover("require('legacy-widget')", 'legacy-widget', /main tree · legacy-widget@1\.0\.0/);
  assert.match(shown, /node_modules\/legacy-widget\/index\.js/);
  await workbench.screenshot('1a-hover-before-isolating');
});

test('2. the Problems panel lists the peer conflict on package.json', async () => {
  const rows = await workbench.problems((r) => r.some(isPeerConflict), "legacy-widget's peer conflict on react");
  assert.ok(
    rows.some((r) => /package\.json/.test(r)),
    `no package.json entry in the Problems panel:\n${rows.join('\n')}`,
  );
  await statusBar(/Multiverse: \d+ conflicts?/).waitFor({ timeout: 60_000 });
  await workbench.screenshot('2-problems-peer-conflict');
});

test('3. "Isolate dependency" from the light bulb moves legacy-widget into a namespace, installs it, and the conflict disappears', async () => {
  const { page } = workbench;
  await workbench.openFile('package.json');
  const entry = await workbench.wordPosition('"legacy-widget": "file:plugins/legacy-widget"', 'legacy-widget');
  await page.mouse.click(entry.x, entry.y);
  const action = page.locator('.action-widget .monaco-list-row').filter({ hasText: "Isolate dependency 'legacy-widget'" }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await action.waitFor({ timeout: 5000 });
      break;
    } catch (error) {
      // Code actions come from the server: right after opening, the first request may miss them.
      if (attempt === 5) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await workbench.screenshot('3a-light-bulb-isolate-dependency');
  // The menu lies under a pointer block that swallows clicks: choose with the keyboard, as users do.
  const focused = page.locator('.action-widget .monaco-list-row.focused');
  for (let moves = 0; (await focused.getAttribute('aria-label')) !== "Isolate dependency 'legacy-widget'"; moves++) {
    if (moves === 10) throw new Error(`the light bulb menu never focused "Isolate dependency 'legacy-widget'"`);
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  // The quick fix edits package.json and multiverse.json as unsaved changes, as any quick fix does; the user saves them.
  await workbench.runCommand('File: Save All Files');
  await until('package.json and multiverse.json saved with legacy-widget in a namespace', async () => {
    const manifest = (await readJson('package.json')) as { dependencies?: Record<string, string> };
    const config = (await readJson('multiverse.json').catch(() => ({}))) as { namespaces?: Record<string, { dependencies: Record<string, string> }> };
    const declaring = Object.entries(config.namespaces ?? {}).find(([, ns]) => ns.dependencies['legacy-widget'] === 'file:plugins/legacy-widget');
    if (manifest.dependencies?.['legacy-widget'] !== undefined || declaring === undefined) return false;
    namespace = declaring[0];
    return true;
  });
  const config = (await readJson('multiverse.json')) as { extensions?: Record<string, unknown> };
  assert.ok(config.extensions?.greeter, 'isolating dropped the extensions section of multiverse.json');
  // The install runs from the quick fix's command, against the real npm registry.
  const react = path.join(app, '.multiverse', namespace, 'node_modules', 'react', 'package.json');
  await until(`namespace ${namespace} installed with react@17`, async () => (await exists(react)) && ((await readJson(path.relative(app, react))) as { version: string }).version.startsWith('17.'));
  await workbench.problems((r) => !r.some(isPeerConflict), 'no peer conflict after isolating');
  // The Problems panel could also be empty for want of an analysis: the status bar says there was one.
  await statusBar('Multiverse: no conflicts').waitFor({ timeout: 60_000 });
  await workbench.screenshot('3b-isolated-conflict-gone');
});

test('1b. after isolating, hovers show the namespace: legacy-widget in app.js, and react@17 inside the namespace', async () => {
  await workbench.openFile('app.js');
  const legacy = await workbench.hover("require('legacy-widget')", 'legacy-widget', new RegExp(`namespace ${namespace} · legacy-widget@1\\.0\\.0`));
  assert.match(legacy, new RegExp(`\\.multiverse/${namespace}/node_modules/legacy-widget/index\\.js`));
  await workbench.hover("require('modern-widget')", 'modern-widget', /main tree · modern-widget@1\.0\.0/);
  await workbench.openFile(path.join(app, '.multiverse', namespace, 'node_modules', 'legacy-widget', 'index.js'));
  await workbench.hover("require('react')", 'react', new RegExp(`namespace ${namespace} · react@17\\.0\\.2`));
  await workbench.screenshot('1b-hover-react-17-in-namespace');
});

/** The rows of one view in the Multiverse side bar, by the view's title. */
function viewRows(title: string): Locator {
  const { page } = workbench;
  return page
    .locator('.sidebar .pane')
    .filter({ has: page.locator('.pane-header', { hasText: new RegExp(title, 'i') }) })
    .locator('.monaco-list-row');
}

test('4. the Namespaces view shows the main tree and the namespace, and the namespace expands into its packages', async () => {
  const { page } = workbench;
  await page.locator('.activitybar .action-item a[aria-label^="Multiverse"]').first().click();
  const rows = viewRows('Namespaces');
  // Each row as "<level> <label>": level 1 is a tree (the main tree or a namespace), level 2 its packages.
  const shown = async (): Promise<string[]> => rows.evaluateAll((elements) => elements.map((e) => `${e.getAttribute('aria-level') ?? '?'} ${e.querySelector('.label-name')?.textContent ?? ''}`));
  let last: string[] = [];
  await until('the main tree and the namespace in the Namespaces view', async () => {
    last = await shown();
    return last.includes('1 main tree') && last.includes(`1 ${namespace}`);
  }).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the view shows: ${last.join(' | ')}`);
  });
  // Expands a row and waits for the children it should show one level down.
  const expand = async (level: number, label: string, children: string[]): Promise<void> => {
    await rows
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) })
      .and(page.locator(`[aria-level="${level}"]`))
      .first()
      // The twistie: a click on a package row opens its package.json instead.
      .locator('.monaco-tl-twistie')
      .click();
    await until(`${children.join(', ')} under ${label}`, async () => {
      last = await shown();
      return children.every((name) => last.includes(`${level + 1} ${name}`));
    }).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; the view shows: ${last.join(' | ')}`);
    });
  };
  // The namespace's root is the isolated plugin; the Reacts it brought along hang below it.
  await expand(1, namespace, ['legacy-widget']);
  await expand(2, 'legacy-widget', ['react', 'react-dom']);
  await workbench.screenshot('4-namespaces-view');
});

test('5. "Multiverse: Run Isolated Extension…" runs the demo extension\'s method and shows its result', async () => {
  const { page } = workbench;
  await workbench.runCommand('Multiverse: Run Isolated Extension');
  const pick = async (label: string): Promise<void> => {
    const row = page.locator(`.quick-input-list .monaco-list-row[aria-label*=${JSON.stringify(label)}]`).first();
    await row.waitFor({ timeout: 60_000 });
    await row.click();
  };
  await pick('greeter');
  await pick('greet');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'greeter.greet' }).waitFor();
  await input.fill('"e2e"');
  await page.keyboard.press('Enter');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'greeter.greet()' }).first();
  await toast.waitFor({ timeout: 60_000 });
  assert.match(await toast.innerText(), /greeter\.greet\(\) → "Hello, e2e, from the greeter extension \(a worker thread\)"/);
  await workbench.screenshot('5-run-isolated-extension');
});

test('6. the namespace graph webview opens and draws the packages of both trees', async () => {
  await workbench.runCommand('Multiverse: Show Namespace Graph');
  // A webview is an iframe holding the extension's page in another iframe.
  const graph = workbench.page.frameLocator('iframe.webview').frameLocator('#active-frame').locator('svg[aria-label="Namespace graph"]');
  await graph.waitFor({ timeout: 60_000 });
  const labels = await graph.locator('g[data-id] text.label').allTextContents();
  assert.ok(labels.includes('react'), `the graph draws no react node: ${labels.join(', ')}`);
  assert.ok(labels.includes('legacy-widget'), `the graph draws no legacy-widget node: ${labels.join(', ')}`);
  assert.ok(labels.includes('modern-widget'), `the graph draws no modern-widget node: ${labels.join(', ')}`);
  await workbench.screenshot('6-namespace-graph');
});
