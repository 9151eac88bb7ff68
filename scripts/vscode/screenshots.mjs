// Decides whether a screenshot shows something: decodes the PNG and measures how many colours
// it has and how much the brightness varies. A workbench that failed to render (white page,
// loading splash, one flat colour) fails; a workbench with an editor, text and icons passes.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Thresholds a real workbench screenshot clears easily (a rendered editor has thousands of colours). */
export const NOT_BLANK = {
  minWidth: 200,
  minHeight: 200,
  minDistinctColours: 32,
  minLuminanceStdDev: 10,
  maxDominantShare: 0.92,
};

/**
 * Statistics of a PNG (a Buffer or a file path): size, number of distinct RGB colours, share of
 * the most common colour, mean and standard deviation of luminance (0-255).
 */
export function screenshotStats(pngOrPath) {
  const buffer = typeof pngOrPath === 'string' ? readFileSync(pngOrPath) : pngOrPath;
  const png = PNG.sync.read(buffer);
  const { width, height, data } = png;
  const counts = new Map();
  let sum = 0;
  let sumSquares = 0;
  const pixels = width * height;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i];
    const g = data[i + 1];
    const b = data[i + 2];
    const key = (r << 16) | (g << 8) | b;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += luminance;
    sumSquares += luminance * luminance;
  }
  let dominant = 0;
  for (const c of counts.values()) dominant = Math.max(dominant, c);
  const mean = pixels > 0 ? sum / pixels : 0;
  const variance = pixels > 0 ? Math.max(0, sumSquares / pixels - mean * mean) : 0;
  return {
    width,
    height,
    distinctColours: counts.size,
    dominantShare: pixels > 0 ? dominant / pixels : 1,
    meanLuminance: mean,
    luminanceStdDev: Math.sqrt(variance),
  };
}

/** Why the screenshot counts as blank, or null when it shows real content. */
export function blankReason(stats, limits = NOT_BLANK) {
  if (stats.width < limits.minWidth || stats.height < limits.minHeight) return `too small (${stats.width}x${stats.height})`;
  if (stats.distinctColours < limits.minDistinctColours) return `only ${stats.distinctColours} distinct colours (need ${limits.minDistinctColours})`;
  if (stats.dominantShare > limits.maxDominantShare) return `${(stats.dominantShare * 100).toFixed(1)}% of pixels are one colour (max ${limits.maxDominantShare * 100}%)`;
  if (stats.luminanceStdDev < limits.minLuminanceStdDev) return `brightness barely varies (std dev ${stats.luminanceStdDev.toFixed(1)}, need ${limits.minLuminanceStdDev})`;
  return null;
}

/** One line describing the statistics, for logs. */
export function describeStats(stats) {
  return `${stats.width}x${stats.height}, ${stats.distinctColours} colours, top colour ${(stats.dominantShare * 100).toFixed(1)}%, luminance ${stats.meanLuminance.toFixed(0)}±${stats.luminanceStdDev.toFixed(0)}`;
}
