// The window onto code-server: Debian's headless Chromium driven by playwright-core, plus the
// few workbench gestures the runners need (wait until the workbench is up, run a command from
// the command palette, open a file with Quick Open, read and screenshot webviews).
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../system-deps.mjs';
import { tokenEnvironment } from './processes.mjs';

/** Viewport of every screenshot: a common laptop size, so the pictures read like a real window. */
export const VIEWPORT = { width: 1440, height: 900 };

/**
 * Launches headless Chromium with the run token in its environment (so the process sweep can
 * find every Chromium helper) and without Playwright's own signal handlers (the runner's
 * cleanup closes it). Returns { browser, page, consoleErrors }.
 */
export async function openBrowser({ token, viewport = VIEWPORT }) {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    env: { ...process.env, ...(token ? tokenEnvironment(token) : {}) },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // Errors from every frame, webviews included (CSP violations, uncaught exceptions), for tests
  // that check a view runs cleanly.
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => consoleErrors.push({ text: e.message, url: '' }));
  return { browser, page, consoleErrors };
}

/** Closes the browser, giving up after `timeoutMs` (the process sweep handles what is left). */
export async function closeBrowser(browser, timeoutMs = 5000) {
  if (!browser) return;
  await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, timeoutMs))]);
}

/** Waits until the workbench has rendered its parts and the Explorer shows the folder. */
export async function waitForWorkbench(page, timeoutMs = 90_000) {
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: timeoutMs });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs a command by its palette title (e.g. "Loss Lens: Open Loss Catalog"), as a user would. */
export async function runCommandFromPalette(page, title) {
  // Focus the workbench itself: a webview iframe holding the focus would swallow the key.
  await page.locator('.monaco-workbench .part.titlebar').click({ position: { x: 200, y: 5 } });
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible' });
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
export async function openFile(page, relativePath) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  const name = relativePath.split('/').pop();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible' });
  await input.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible' });
  await page.locator('.editor-instance .view-lines .view-line').first().waitFor({ state: 'visible' });
}

/**
 * The frames holding webview documents: VS Code hosts each webview in an iframe
 * (`.../webview/browser/pre/index.html`) whose child frame (`fake.html`) holds the document.
 */
export function webviewFrames(page) {
  return page.frames().filter((f) => f.url().includes('/webview/browser/pre/fake.html') && (f.parentFrame()?.url().includes('/webview/browser/pre/index.html') ?? false));
}

/** Visible text of every webview on screen, in DOM order, one entry per webview. */
export async function webviewTexts(page) {
  const texts = [];
  for (const frame of webviewFrames(page)) {
    try {
      texts.push(await frame.evaluate(() => document.body?.innerText ?? ''));
    } catch {
      // a frame that navigated away mid-read
    }
  }
  return texts;
}

/**
 * Computed style values of the elements matching `selector` in the webviews on screen, waiting
 * (up to `timeoutMs`) until at least one matches. Returns one entry per element.
 */
export async function webviewStyles(page, selector, properties, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = [];
    for (const frame of webviewFrames(page)) {
      try {
        found.push(
          ...(await frame.evaluate(
            ([sel, props]) =>
              [...document.querySelectorAll(sel)].map((e) => {
                const style = getComputedStyle(e);
                return { text: (e.textContent ?? '').slice(0, 200), styles: Object.fromEntries(props.map((p) => [p, style.getPropertyValue(p)])) };
              }),
            [selector, properties],
          )),
        );
      } catch {
        // a frame that navigated away mid-read
      }
    }
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no webview element matched ${selector} within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** Waits until some webview on screen shows `text` (polling; webviews render asynchronously). */
export async function waitForWebviewText(page, text, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = await webviewTexts(page);
    if (texts.some((t) => t.includes(text))) return texts;
    if (Date.now() > deadline) throw new Error(`no webview showed "${text}" within ${timeoutMs / 1000} s (webviews on screen: ${texts.length})`);
    await sleep(250);
  }
}
