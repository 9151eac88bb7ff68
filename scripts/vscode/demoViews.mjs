// The demo's main views, reached the way a person would in the browser (Quick Open, the command
// palette, clicks, hovers), and the screenshots `npm run demo -- --screenshots DIR` takes of
// them. Later issues add their views (diagnostics, dashboards) to DEMO_VIEWS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './install.mjs';
import { openFile, runCommandFromPalette, waitForWebviewText, webviewFrames } from './workbench.mjs';

/** The workspace the demo (and the integration suite) opens. */
export const DEMO_WORKSPACE = join(REPO_ROOT, 'examples');

/** Builds the extension bundles (node scripts/build.mjs); rejects with the build output on failure. */
export function buildExtension() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`node scripts/build.mjs failed (exit ${code}):\n${output}`))));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** 1-based number of the first line of a workspace file containing `needle`. */
function lineOf(relativePath, needle) {
  const lines = readFileSync(join(DEMO_WORKSPACE, relativePath), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`examples/${relativePath} has no line containing "${needle}"`);
  return index + 1;
}

/** Moves the cursor to a line with Go to Line (Ctrl+G), which also scrolls it into view. */
async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}`);
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Hovers the first on-screen occurrence of `token` in the editor and waits for a hover that
 * mentions `expect`. Returns whether the hover appeared (its content depends on the catalog).
 */
async function hoverToken(page, token, expect, timeoutMs = 10_000) {
  const span = page.locator('.editor-instance .view-lines span span', { hasText: token }).first();
  await span.waitFor({ state: 'visible' });
  await span.hover();
  try {
    await page.locator('.monaco-hover', { hasText: expect }).first().waitFor({ state: 'visible', timeout: timeoutMs });
    return true;
  } catch {
    return false;
  }
}

/**
 * Each view: a file name, what it shows, and how to reach it from the previous view. `show`
 * returns notes for the manifest (e.g. whether a hover appeared).
 */
export const DEMO_VIEWS = [
  {
    file: '01-pytorch-training-script.png',
    view: 'examples/pytorch/train_cifar10.py open at its loss, hovering CrossEntropyLoss',
    async show(page) {
      await openFile(page, 'pytorch/train_cifar10.py');
      await goToLine(page, lineOf('pytorch/train_cifar10.py', 'nn.CrossEntropyLoss('));
      await sleep(300);
      const hover = await hoverToken(page, 'CrossEntropyLoss', 'CrossEntropyLoss');
      return { hover };
    },
  },
  {
    file: '02-keras-training-script.png',
    view: 'examples/keras/train_news_topics.py open at model.compile',
    async show(page) {
      await page.mouse.move(5, 5);
      await openFile(page, 'keras/train_news_topics.py');
      await goToLine(page, lineOf('keras/train_news_topics.py', 'model.compile('));
      await sleep(300);
      return {};
    },
  },
  {
    file: '03-loss-catalog.png',
    view: 'the Loss Catalog panel (Loss Lens: Open Loss Catalog) with torch.nn.MSELoss selected',
    async show(page) {
      await runCommandFromPalette(page, 'Loss Lens: Open Loss Catalog');
      await waitForWebviewText(page, 'loss APIs');
      const frame = webviewFrames(page).find((f) => !f.isDetached());
      if (!frame) throw new Error('the catalog webview frame is not on screen');
      await frame.locator('.item', { hasText: 'torch.nn.MSELoss' }).first().click();
      await frame.locator('.detail h2', { hasText: 'torch.nn.MSELoss' }).waitFor({ state: 'visible', timeout: 30_000 });
      await sleep(500); // the loss curve draws after the entry arrives
      return {};
    },
  },
  {
    file: '04-training-runs.png',
    view: 'the Loss Lens side bar: the demo workspace training runs (one expanded to its tags) and prediction files (the logits file expanded to its arrays)',
    async show(page) {
      await page.locator('.activitybar .action-item a[aria-label^="Loss Lens"]').first().click();
      const run = page.locator('.monaco-list-row', { hasText: 'logs/cifar10/version_0' }).first();
      await run.waitFor({ state: 'visible', timeout: 30_000 });
      await run.click();
      await page.locator('.monaco-list-row', { hasText: 'train_loss' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await page.locator('.monaco-list-row', { hasText: 'cifar10_val_logits.npy' }).first().click();
      await page.locator('.monaco-list-row', { hasText: '(1000, 10) float32' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await sleep(300);
      return {};
    },
  },
];
