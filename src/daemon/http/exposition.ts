/**
 * Prometheus' text exposition format (version 0.0.4), written by hand: the format is a few rules
 * (HELP and TYPE once per family, escaped label values, +Inf/NaN spelled out), and prom-client,
 * the usual library, adds ~12 MB to the daemon's RSS and ~110 ms to load (measured on Node 20),
 * a quarter of what the whole daemon uses with 20 apps.
 */
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  /** Appended to the family's name: `_bucket`, `_sum`, `_count` for a histogram, else ''. */
  suffix?: string;
  labels: Labels;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/** Every family, with its HELP and TYPE even when it has no sample yet (so dashboards know it). */
export function renderExposition(families: readonly Family[]): string {
  const out: string[] = [];
  for (const family of families) {
    out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    out.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      out.push(`${family.name}${sample.suffix ?? ''}${renderLabels(sample.labels)} ${formatValue(sample.value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabelValue(value)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** In label values: backslash, double quote and line feed are escaped; nothing else may be. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** In HELP: backslash and line feed only. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
