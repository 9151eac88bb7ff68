/**
 * The webview's handle on VS Code, typed with the shared protocol.
 */
interface VsCodeApi<State, Out> {
  postMessage(message: Out): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State, Out>(): VsCodeApi<State, Out>;

let api: unknown;

/** acquireVsCodeApi may be called once per page; later callers share the handle. */
export function vscodeApi<State, Out>(): VsCodeApi<State, Out> {
  api ??= acquireVsCodeApi<State, Out>();
  return api as VsCodeApi<State, Out>;
}
