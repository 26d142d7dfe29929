/// <reference lib="dom" />
// The DOM types are for the functions page.evaluate runs inside the workbench page.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../support/paths';

export const artifactsDir = path.join(repoRoot, 'test', 'e2e', 'artifacts');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A real VS Code workbench (code-server's web UI) in Debian's Chromium. */
export class Workbench {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(url: string, options: { waitForExplorer?: boolean } = {}): Promise<Workbench> {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // Not the "load" event: today's workbench fetches many scripts, and on two busy cores "load"
      // can take longer than the workbench itself needs to appear.
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
      await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
      if (options.waitForExplorer !== false) await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
      return new Workbench(browser, page);
    } catch (error) {
      // Nobody else holds the browser yet: close it, or it keeps the test process alive.
      await browser.close();
      throw error;
    }
  }

  /**
   * Runs a command by its palette title ("Multiverse: Show Output"). Retries the palette until the
   * command is listed: right after start-up the workbench may not have read the extension's
   * contributions yet, and the first key press can land before it takes focus.
   */
  async runCommand(title: string, timeout = 30_000): Promise<void> {
    await this.pick({ key: 'F1', text: title, row: title, failure: `failed-command-${title}`, timeout });
  }

  /** Text of the output panel once it shows `expected`. */
  async waitForOutput(expected: RegExp, timeout = 30_000): Promise<string> {
    const lines = this.page.locator('.panel .output .view-lines, .panel [id="workbench.panel.output"] .view-lines');
    const deadline = Date.now() + timeout;
    for (;;) {
      const text = (await lines.allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');
      if (expected.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`output panel never showed ${expected}; it shows:\n${text}`);
      await this.page.waitForTimeout(300);
    }
  }

  /**
   * Opens a file through Quick Open (a name in the workspace, or an absolute path, which Quick Open
   * also accepts for files outside the search index such as installed trees). Retries Ctrl+P: the
   * first press after start-up can be lost.
   */
  async openFile(query: string, timeout = 60_000): Promise<void> {
    const name = path.basename(query);
    await this.pick({
      key: 'Control+P',
      text: query,
      row: name,
      failure: `failed-open-${name}`,
      timeout,
      opened: async () => {
        await this.page.locator(`.tab.active[aria-label*=${JSON.stringify(name)}]`).waitFor({ timeout: 5000 });
        await this.page.locator('.editor-group-container.active .view-lines').first().waitFor({ timeout: 5000 });
      },
    });
  }

  /**
   * Opens a quick input with `key`, types `text` and clicks the row whose label contains `row`, then
   * waits for `opened`; everything again (after a click into the workbench to give it focus) until
   * it works or `timeout` passes. A click, not Enter: while the list still filters, Enter takes
   * whichever row has the focus.
   */
  private async pick(options: { key: string; text: string; row: string; failure: string; timeout: number; opened?: () => Promise<void> }): Promise<void> {
    const { page } = this;
    const row = page.locator(`.quick-input-list .monaco-list-row[aria-label*=${JSON.stringify(options.row)}]`).first();
    const deadline = Date.now() + options.timeout;
    for (;;) {
      await page.keyboard.press('Escape');
      await page.keyboard.press(options.key);
      try {
        await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 3000 });
        await page.keyboard.type(options.text, { delay: 10 });
        // Generous: right after start-up, on two busy cores, a click can take seconds to land.
        await row.click({ timeout: 10_000 });
        await options.opened?.();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          await this.screenshot(options.failure.replace(/\W+/g, '-'));
          throw error;
        }
        await page.mouse.click(700, 300);
      }
    }
  }

  /**
   * Centre of `word`, found inside the first line of the active editor that contains `context`
   * (which must contain `word`). Monaco splits a line into one span per token, so the match is
   * made over the line's joined text and mapped back onto its text nodes.
   */
  async wordPosition(context: string, word: string): Promise<{ x: number; y: number }> {
    const box = await this.page.evaluate(
      ([context, word]) => {
        const lines = document.querySelectorAll('.editor-group-container.active .view-lines .view-line');
        for (const line of Array.from(lines)) {
          const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
          const at = text.indexOf(context);
          if (at < 0) continue;
          const start = at + context.indexOf(word);
          const end = start + word.length;
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          const range = document.createRange();
          let offset = 0;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const length = node.textContent?.length ?? 0;
            if (start >= offset && start < offset + length) range.setStart(node, start - offset);
            if (end > offset && end <= offset + length) range.setEnd(node, end - offset);
            offset += length;
          }
          const rect = range.getBoundingClientRect();
          return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
        }
        return null;
      },
      [context, word] as const,
    );
    if (box === null) throw new Error(`no line containing ${JSON.stringify(context)} is visible in the active editor`);
    return box;
  }

  /**
   * Hovers `word` (see wordPosition) until the hover shows `expected` and returns its text. A
   * hover sometimes never appears (about one try in eight here): move away, Escape, move back.
   */
  async hover(context: string, word: string, expected: RegExp, attempts = 6): Promise<string> {
    const { page } = this;
    const hover = page.locator('.monaco-hover:visible').first();
    let shown = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const { x, y } = await this.wordPosition(context, word);
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
      await page.mouse.move(x, y, { steps: 3 });
      try {
        await hover.waitFor({ timeout: 3000 });
        // The hover first shows "Loading…", then every provider's part: poll until ours is in.
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline) {
          shown = (await hover.innerText()).replace(/\u00a0/g, ' ');
          if (expected.test(shown)) return shown;
          await page.waitForTimeout(200);
        }
      } catch {
        // no hover this time
      }
    }
    throw new Error(`hovering ${JSON.stringify(word)} never showed ${expected}; the last hover said: ${JSON.stringify(shown)}`);
  }

  /** Text of every row in the Problems panel (opening it first) once `accept` approves it. */
  async problems(accept: (rows: string[]) => boolean, what: string, timeout = 120_000): Promise<string[]> {
    const { page } = this;
    const rows = page.locator('.markers-panel .monaco-list-row');
    const deadline = Date.now() + timeout;
    let seen: string[] = [];
    for (;;) {
      if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
      seen = (await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''))).map((t) => t.replace(/\u00a0/g, ' '));
      if (accept(seen)) return seen;
      if (Date.now() > deadline) {
        await this.screenshot(`failed-problems`);
        throw new Error(`the Problems panel never showed ${what}; it lists:\n${seen.join('\n')}`);
      }
      await page.waitForTimeout(500);
    }
  }

  async screenshot(name: string): Promise<string> {
    await mkdir(artifactsDir, { recursive: true });
    const file = path.join(artifactsDir, `${name}.png`);
    await this.page.waitForTimeout(600);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
