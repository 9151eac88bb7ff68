/**
 * What the integration suite (inside the extension host) and the code-server runner (outside)
 * exchange. The runner starts code-server with these environment variables; the extension host
 * inherits them. Under @vscode/test-electron none is set: results go to the console reporter and
 * the tests that need the window bridge skip themselves.
 */

/** File the suite appends one JSON event per line to (see {@link ResultEvent}). */
export const RESULTS_FILE_VARIABLE = 'LOSS_LENS_TEST_RESULTS';
/** Folder of the window bridge (screenshots and webview DOM text, answered by the runner). */
export const BRIDGE_DIR_VARIABLE = 'LOSS_LENS_TEST_BRIDGE';
/** Optional mocha --grep pattern. */
export const GREP_VARIABLE = 'LOSS_LENS_TEST_GREP';

export type ResultEvent =
  | { type: 'start'; total: number }
  | { type: 'begin'; title: string }
  | { type: 'pass'; title: string; durationMs: number }
  | { type: 'fail'; title: string; error: string }
  | { type: 'pending'; title: string }
  | { type: 'end'; passed: number; failed: number; pending: number }
  | { type: 'error'; error: string };

/** Statistics of a screenshot, as the runner measures them (scripts/vscode/screenshots.mjs). */
export interface ScreenshotStats {
  width: number;
  height: number;
  distinctColours: number;
  dominantShare: number;
  meanLuminance: number;
  luminanceStdDev: number;
}

export interface ScreenshotAnswer {
  path: string;
  stats: ScreenshotStats;
  /** Why the runner judges the picture blank, or null when it shows content. */
  blank: string | null;
  /** Label of the active editor tab in the picture, if any. */
  activeTab: string | null;
}

export interface WebviewTextAnswer {
  /** innerText of each webview document on screen. */
  texts: string[];
}

export interface WebviewStylesAnswer {
  /** One entry per matching element: its text and the requested computed style values. */
  elements: { text: string; styles: Record<string, string> }[];
}

export interface ConsoleErrorsAnswer {
  /** Console errors and uncaught exceptions of every frame since the window opened. */
  errors: { text: string; url: string }[];
}
