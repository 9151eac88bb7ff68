/**
 * Starts the data and kernel worker (dist/worker.js) as a child process of the extension host.
 *
 * A process rather than a worker thread, for two reasons. Memory: a 4 GB array or a runaway
 * read lives and dies in its own address space, never in the editor's. Speed: whole-array reads
 * fill fresh buffers, and a process can be started with glibc's huge-page tunable (see
 * data/hugePages.ts), which the extension host's environment, set by VS Code, never has.
 * Messages use Node's "advanced" serialization (the structured clone of worker threads), so
 * typed arrays and the worker protocol are the same as between threads.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { hugePagesEnvironment } from '../data/hugePages.js';

export function startWorkerProcess(script: string): ChildProcess {
  const env = {
    ...(hugePagesEnvironment() ?? process.env),
    // In VS Code desktop the extension host is Electron; its child must run as plain Node.
    ELECTRON_RUN_AS_NODE: '1',
  };
  // No execArgv: the extension host's own flags (an --inspect port) must not be inherited.
  return fork(script, [], { serialization: 'advanced', env, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Sends a message, ignoring a channel that just closed (the exit handler fails what was pending). */
export function sendTo(child: ChildProcess, message: unknown): void {
  if (!child.connected) return;
  child.send(message as never, (error) => {
    if (error) child.kill();
  });
}
