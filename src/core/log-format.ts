/**
 * How one captured line is written to a file: as is, behind a timestamp, or as a JSON object.
 * Pure, so the formats are tested without a process.
 */
export interface LineMeta {
  stream: 'out' | 'err';
  at: number;
  name: string;
  id: number;
}

export function formatLine(line: string, meta: LineMeta, format: { dateFormat: string | null; type: 'text' | 'json' }): string {
  if (format.type === 'json') {
    return JSON.stringify({
      message: line,
      timestamp: format.dateFormat ? formatDate(meta.at, format.dateFormat) : new Date(meta.at).toISOString(),
      type: meta.stream,
      app_name: meta.name,
      process_id: meta.id,
    });
  }
  return format.dateFormat ? `${formatDate(meta.at, format.dateFormat)}: ${line}` : line;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * The moment.js tokens PM2 users write in --log-date-format, in local time: YYYY MM DD HH mm ss
 * SSS, Z (+01:00) and ZZ (+0100). Text in [brackets] is kept as is.
 */
export function formatDate(at: number, format: string): string {
  const date = new Date(at);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const hours = pad(Math.floor(Math.abs(offset) / 60));
  const minutes = pad(Math.abs(offset) % 60);
  const tokens: Record<string, string> = {
    YYYY: String(date.getFullYear()),
    MM: pad(date.getMonth() + 1),
    DD: pad(date.getDate()),
    HH: pad(date.getHours()),
    mm: pad(date.getMinutes()),
    ss: pad(date.getSeconds()),
    SSS: pad(date.getMilliseconds(), 3),
    ZZ: `${sign}${hours}${minutes}`,
    Z: `${sign}${hours}:${minutes}`,
  };
  return format.replace(/\[([^\]]*)\]|YYYY|SSS|MM|DD|HH|mm|ss|ZZ|Z/g, (match, literal: string | undefined) =>
    literal ?? tokens[match] ?? match,
  );
}
