/**
 * A small SVG line plot for loss curves: nice ticks, theme colours, gaps at NaN/Inf,
 * a legend. (The training-curve dashboard uses a canvas chart library for large series.)
 */
import { svg } from './dom.js';

export interface Series {
  label: string;
  x: number[];
  y: number[];
}

// Series colours come from classes in style.css: the webview CSP forbids inline style attributes.
const SERIES_CLASSES = 5;

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

export function linePlot(series: Series[], options: { xLabel: string; yLabel: string; width?: number; height?: number }): SVGSVGElement {
  const width = options.width ?? 520;
  const height = options.height ?? 280;
  const m = { left: 52, right: 16, top: 12, bottom: 44 };
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  const xLo = Math.min(...xs);
  const xHi = Math.max(...xs);
  let yLo = Math.min(0, ...ys);
  let yHi = ys.length > 0 ? Math.max(...ys) : 1;
  if (yHi === yLo) {
    yHi += 1;
    yLo -= yLo === 0 ? 0 : 1;
  }
  const px = (x: number) => m.left + ((x - xLo) / (xHi - xLo || 1)) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - ((y - yLo) / (yHi - yLo)) * (height - m.top - m.bottom);

  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'line-plot', role: 'img' });
  root.append(svg('title', {}, `${options.yLabel} against ${options.xLabel}`));
  const axes = svg('g', { class: 'axes' });
  for (const t of niceTicks(xLo, xHi)) {
    axes.append(svg('line', { x1: px(t), x2: px(t), y1: m.top, y2: height - m.bottom, class: 'grid' }));
    axes.append(svg('text', { x: px(t), y: height - m.bottom + 14, 'text-anchor': 'middle' }, fmt(t)));
  }
  for (const t of niceTicks(yLo, yHi)) {
    axes.append(svg('line', { x1: m.left, x2: width - m.right, y1: py(t), y2: py(t), class: 'grid' }));
    axes.append(svg('text', { x: m.left - 6, y: py(t) + 4, 'text-anchor': 'end' }, fmt(t)));
  }
  axes.append(svg('text', { x: (m.left + width - m.right) / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis-label' }, options.xLabel));
  axes.append(
    svg('text', { x: 12, y: (m.top + height - m.bottom) / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 12 ${(m.top + height - m.bottom) / 2})` }, options.yLabel),
  );
  root.append(axes);

  series.forEach((s, k) => {
    // Break the line wherever the loss is not finite.
    let d = '';
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i]!;
      if (!Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${px(s.x[i]!).toFixed(1)},${py(y).toFixed(1)}`;
      pen = true;
    }
    const colour = `series series-${k % SERIES_CLASSES}`;
    root.append(svg('path', { d, class: colour }));
    const ly = m.top + 14 + k * 16;
    root.append(svg('line', { x1: width - m.right - 110, x2: width - m.right - 92, y1: ly - 4, y2: ly - 4, class: colour }));
    root.append(svg('text', { x: width - m.right - 88, y: ly, class: 'legend' }, s.label));
  });
  return root;
}
