/**
 * The extension host's side of the window bridge: ask the runner (which drives the browser
 * showing this workbench) for a screenshot or for the text of the webviews on screen. Only the
 * code-server runner provides the bridge; elsewhere {@link hasWindowBridge} is false and tests
 * that need it skip.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BRIDGE_DIR_VARIABLE, type ConsoleErrorsAnswer, type ScreenshotAnswer, type WebviewStylesAnswer, type WebviewTextAnswer } from './protocol.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when a runner outside the host answers bridge requests. */
export function hasWindowBridge(): boolean {
  return Boolean(process.env[BRIDGE_DIR_VARIABLE]);
}

async function ask<T>(request: Record<string, unknown>, timeoutMs: number): Promise<T> {
  const dir = process.env[BRIDGE_DIR_VARIABLE];
  if (!dir) throw new Error(`${BRIDGE_DIR_VARIABLE} is not set: no runner is driving this window`);
  // Sortable ids keep the runner answering in the order the requests were made.
  const id = `${Date.now().toString().padStart(15, '0')}-${randomUUID()}`;
  const partial = join(dir, `${id}.request.partial`);
  writeFileSync(partial, JSON.stringify(request));
  renameSync(partial, join(dir, `${id}.request.json`));
  const responseFile = join(dir, `${id}.response.json`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(responseFile)) {
    if (Date.now() > deadline) throw new Error(`the runner did not answer a ${String(request.kind)} request within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
  const answer = JSON.parse(readFileSync(responseFile, 'utf8')) as { ok: boolean; error?: string } & T;
  rmSync(responseFile, { force: true });
  if (!answer.ok) throw new Error(`the runner could not answer a ${String(request.kind)} request: ${answer.error}`);
  return answer;
}

/** Takes a screenshot of the whole workbench; the runner saves it and judges whether it is blank. */
export function screenshot(name: string): Promise<ScreenshotAnswer> {
  return ask<ScreenshotAnswer>({ kind: 'screenshot', name }, 30_000);
}

/**
 * The text of every webview on screen. With `contains`, waits (up to `timeoutMs`) until some
 * webview shows that text; webviews render after their panel opens.
 */
export async function webviewTexts(contains?: string, timeoutMs = 30_000): Promise<string[]> {
  const answer = await ask<WebviewTextAnswer>({ kind: 'webviewText', contains, timeoutMs }, timeoutMs + 10_000);
  return answer.texts;
}

/**
 * Computed styles (`properties`, CSS names) of the elements matching `selector` in the webviews
 * on screen; waits up to `timeoutMs` for at least one match.
 */
export async function webviewStyles(selector: string, properties: string[], timeoutMs = 30_000): Promise<WebviewStylesAnswer['elements']> {
  const answer = await ask<WebviewStylesAnswer>({ kind: 'webviewStyles', selector, properties, timeoutMs }, timeoutMs + 10_000);
  return answer.elements;
}

/** Console errors (every frame, webviews included) since the window opened. */
export async function consoleErrors(): Promise<ConsoleErrorsAnswer['errors']> {
  const answer = await ask<ConsoleErrorsAnswer>({ kind: 'consoleErrors' }, 30_000);
  return answer.errors;
}
