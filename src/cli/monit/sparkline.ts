const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * The last `width` samples as a bar per sample, scaled from 0 to `max` (default: the highest
 * sample shown). A missing sample (the process was not running) is a blank; fewer samples than
 * `width` are right-aligned, so the newest is always at the right edge.
 */
export function sparkline(samples: readonly (number | null)[], width: number, max?: number): string {
  if (width <= 0) return '';
  const shown = samples.slice(-width);
  const top = max ?? Math.max(0, ...shown.map((value) => value ?? 0));
  const bars = shown.map((value) => {
    if (value === null) return ' ';
    if (top <= 0 || value <= 0) return BARS[0];
    const index = Math.round((Math.min(value, top) / top) * (BARS.length - 1));
    return BARS[index]!;
  });
  return ' '.repeat(width - bars.length) + bars.join('');
}

/** The highest sample, or null when there is none. */
export function peak(samples: readonly (number | null)[]): number | null {
  let highest: number | null = null;
  for (const value of samples) if (value !== null && (highest === null || value > highest)) highest = value;
  return highest;
}
