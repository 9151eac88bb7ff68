/**
 * The catalog webview in headless Chromium: the real dist/webview.js and stylesheet, driven by
 * a scripted host that answers with the real catalog and kernel-computed curves, exactly as
 * the extension's CatalogPanel does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page, chromium } from 'playwright-core';
import { ENTRIES, FAMILIES, lookup } from '../../src/catalog/index.js';
import { signatureOf } from '../../src/catalog/signature.js';
import { lossCurves } from '../../src/kernels/curves.js';
import type { CatalogToHost, HostToCatalog } from '../../src/protocol.js';
// @ts-expect-error plain ESM helper without types
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/system-deps.mjs';

const DIST = join(__dirname, '..', '..', 'dist');

/**
 * The page a webview gets: our CSS and bundle under the same nonce-only CSP as
 * src/dashboard/html.ts (so inline style attributes are blocked, as in VS Code), with
 * acquireVsCodeApi bridged to the test and CSP violations recorded.
 */
function pageHtml(): string {
  const nonce = 'test-nonce';
  const theme = ':root{--vscode-foreground:#ccc;--vscode-editor-background:#1e1e1e;--vscode-charts-blue:#3794ff;' +
    '--vscode-charts-orange:#d18616;--vscode-panel-border:#444;--vscode-descriptionForeground:#999}';
  return `<!DOCTYPE html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:">
<style nonce="${nonce}">${readFileSync(join(DIST, 'webview.css'), 'utf8')}</style>
<style nonce="${nonce}">${theme}</style>
</head><body data-view="catalog"><div id="app"></div>
<script nonce="${nonce}">
  window.__sent = []; window.__state = undefined; window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.sample));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__sent.push(m); window.__toHost(m); },
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
</script>
<script nonce="${nonce}">${readFileSync(join(DIST, 'webview.js'), 'utf8').replace(/<\/script/gi, '<\\/script')}</script>
</body></html>`;
}

function hostAnswer(message: CatalogToHost): HostToCatalog | undefined {
  switch (message.type) {
    case 'ready':
      return {
        type: 'catalog',
        items: ENTRIES.map((e) => ({ id: e.id, framework: e.framework, kind: e.kind, family: e.family, summary: e.summary, computed: e.kernel.computed })),
        families: [...FAMILIES],
        selected: undefined,
      };
    case 'select': {
      const entry = lookup(message.id)!;
      return { type: 'entry', entry, signature: signatureOf(entry), plot: lossCurves(entry) };
    }
    default:
      return undefined;
  }
}

describe('catalog webview (headless Chromium)', () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.exposeFunction('__toHost', async (m: CatalogToHost) => {
      const answer = hostAnswer(m);
      if (answer) await page.evaluate((a) => window.postMessage(a, '*'), answer as unknown as Record<string, unknown>);
    });
    await page.setContent(pageHtml());
    await page.waitForSelector('.item');
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
  });

  test('lists every catalogued API under its family', async () => {
    assert.equal(await page.locator('.item').count(), ENTRIES.length);
    assert.equal(await page.locator('.count').textContent(), `${ENTRIES.length} of ${ENTRIES.length} loss APIs`);
    const families = await page.locator('.family').allTextContents();
    assert.ok(families.includes(FAMILIES.find((f) => f.id === 'squared-error')!.title));
  });

  test('filtering narrows the list and is remembered in the webview state', async () => {
    await page.fill('.search', 'optax');
    const names = await page.locator('.item .name').allTextContents();
    assert.ok(names.length > 0 && names.length < ENTRIES.length);
    assert.ok(names.every((n) => lookup(n)!.framework === 'optax' || n.toLowerCase().includes('optax') || lookup(n)!.summary.toLowerCase().includes('optax')));
    assert.equal((await page.evaluate(() => (window as unknown as { __state: { filter: string } }).__state)).filter, 'optax');
    await page.fill('.search', '');
  });

  test('selecting an API shows its documentation and a kernel-computed loss curve', async () => {
    await page.locator('.item', { hasText: 'torch.nn.MSELoss' }).first().click();
    await page.waitForSelector('.detail h2');
    assert.equal(await page.locator('.detail h2').textContent(), 'torch.nn.MSELoss');
    assert.match((await page.locator('.formula').textContent()) ?? '', /xᵢ − yᵢ/);
    assert.equal(await page.locator('.detail .section li').first().textContent(), lookup('torch.nn.MSELoss')!.pitfalls[0]);
    // The parabola of MSE: 121 points, lowest in the middle of the x range.
    const d = (await page.locator('.line-plot path.series').first().getAttribute('d')) ?? '';
    const points = d.split(/[ML]/).filter(Boolean).map((p) => p.split(',').map(Number) as [number, number]);
    assert.equal(points.length, 121);
    const lowest = points.reduce((a, b) => (b[1] > a[1] ? b : a)); // SVG y grows downwards
    const middle = points[60]!;
    assert.equal(lowest[0], middle[0]);
    assert.equal((await page.evaluate(() => (window as unknown as { __state: { selected: string } }).__state)).selected, 'torch.nn.MSELoss');
  });

  test('curves are visibly stroked and nothing violates the content security policy', async () => {
    const stroke = await page.locator('.line-plot path.series').first().evaluate((p) => getComputedStyle(p).stroke);
    assert.equal(stroke, 'rgb(55, 148, 255)');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
  });

  test('equivalent links navigate to the other framework', async () => {
    await page.locator('.detail a', { hasText: 'keras.losses.MeanSquaredError' }).first().click();
    await page.waitForFunction(() => document.querySelector('.detail h2')?.textContent === 'keras.losses.MeanSquaredError');
    assert.equal(await page.locator('.item.selected .name').textContent(), 'keras.losses.MeanSquaredError');
  });

  test('catalog text is rendered as text, never as HTML', async () => {
    const html = await page.locator('.detail').innerHTML();
    assert.ok(!html.includes('<script'));
    assert.equal(await page.locator('.detail img, .detail iframe').count(), 0);
  });
});
