/**
 * A one-line progress bar on a terminal's stderr, redrawn at most ten times a second and shown
 * only for reads longer than half a second (short reads stay silent).
 */
import type { Writable } from 'node:stream';

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly err: Writable & { columns?: number },
    private readonly label: string,
  ) {}

  update(done: number, total: number | undefined): void {
    const now = Date.now();
    if (now - this.started < 500 || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.err.columns ?? 80) - 40));
    const frac = total ? Math.min(1, done / total) : 0;
    const filled = Math.round(frac * width);
    const text = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb(done)}${total ? ` / ${mb(total)}` : ''}`;
    this.err.write(`\r${text}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.err.write('\r\x1b[K');
    this.drawn = false;
  }
}

function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
