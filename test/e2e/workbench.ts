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
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    if (options.waitForExplorer !== false) await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    return new Workbench(browser, page);
  }

  /**
   * Runs a command by its palette title ("Multiverse: Show Output"). Retries the palette until the
   * command is listed: right after start-up the workbench may not have read the extension's
   * contributions yet, and the first key press can land before it takes focus.
   */
  async runCommand(title: string, timeout = 30_000): Promise<void> {
    const { page } = this;
    const row = page.locator(`.quick-input-list .monaco-list-row[aria-label*=${JSON.stringify(title)}]`).first();
    const deadline = Date.now() + timeout;
    for (;;) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      try {
        await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 3000 });
        await page.keyboard.type(title, { delay: 10 });
        await row.waitFor({ timeout: 3000 });
        await row.click();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          await this.screenshot(`failed-command-${title.replace(/\W+/g, '-')}`);
          throw error;
        }
        await page.mouse.click(700, 300);
      }
    }
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
