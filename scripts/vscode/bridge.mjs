// The runner's side of the "window bridge": tests inside the extension host can see the VS Code
// API but not the pixels or the webview DOM, which only the browser has. A test writes
// `<id>.request.json` into the bridge folder; this loop answers with `<id>.response.json`.
//   { kind: 'screenshot', name }           -> { path, stats, blank, activeTab }
//   { kind: 'webviewText', contains?, timeoutMs? } -> { texts }   (one string per webview)
//   { kind: 'webviewStyles', selector, properties, timeoutMs? } -> { elements: [{ text, styles }] }
//   { kind: 'consoleErrors' }              -> { errors: [{ text, url }] }  (all frames, since start)
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blankReason, screenshotStats } from './screenshots.mjs';
import { waitForWebviewText, webviewStyles, webviewTexts } from './workbench.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

async function answer(request, { page, screenshotsDir, consoleErrors }) {
  switch (request.kind) {
    case 'screenshot': {
      if (typeof request.name !== 'string' || !SAFE_NAME.test(request.name)) throw new Error(`bad screenshot name ${JSON.stringify(request.name)}`);
      // Let pending paints (cursor blink, decorations) settle so the picture shows a steady state.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const path = join(screenshotsDir, `${request.name}.png`);
      await page.screenshot({ path });
      const stats = screenshotStats(path);
      const activeTab = (await page.locator('.part.editor .tabs-container .tab.active').first().textContent({ timeout: 2000 }).catch(() => null))?.trim() ?? null;
      return { path, stats, blank: blankReason(stats), activeTab };
    }
    case 'webviewText': {
      const texts = typeof request.contains === 'string' ? await waitForWebviewText(page, request.contains, request.timeoutMs ?? 30_000) : await webviewTexts(page);
      return { texts };
    }
    case 'webviewStyles': {
      if (typeof request.selector !== 'string' || !Array.isArray(request.properties)) throw new Error('webviewStyles needs a selector and a list of properties');
      return { elements: await webviewStyles(page, request.selector, request.properties, request.timeoutMs ?? 30_000) };
    }
    case 'consoleErrors':
      return { errors: [...consoleErrors] };
    default:
      throw new Error(`unknown bridge request kind ${JSON.stringify(request.kind)}`);
  }
}

/**
 * Serves bridge requests from `dir` until stop() is called. Requests are answered one at a
 * time, in the order their files are found.
 */
export function serveBridge({ dir, page, screenshotsDir, consoleErrors = [], log = () => {} }) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let names;
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.request.json')).sort();
      } catch {
        names = [];
      }
      for (const name of names) {
        const id = name.slice(0, -'.request.json'.length);
        const file = join(dir, name);
        let response;
        try {
          const request = JSON.parse(readFileSync(file, 'utf8'));
          log(`bridge: ${request.kind}${request.name ? ` ${request.name}` : ''}`);
          response = { ok: true, ...(await answer(request, { page, screenshotsDir, consoleErrors })) };
        } catch (e) {
          response = { ok: false, error: e instanceof Error ? e.message : String(e) };
        }
        rmSync(file, { force: true });
        // Write then rename, so the test never reads a half-written answer.
        const partial = join(dir, `${id}.response.partial`);
        writeFileSync(partial, JSON.stringify(response));
        renameSync(partial, join(dir, `${id}.response.json`));
      }
      await sleep(100);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
