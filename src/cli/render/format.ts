/** Human units for tables. JSON output never uses these: it keeps ms and bytes. */
export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}D`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}b`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)}kb`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)}mb`;
  return `${(bytes / 1024 ** 3).toFixed(2)}gb`;
}

export function formatExit(exit: { code: number | null; signal: string | null; error?: string } | null): string {
  if (!exit) return '-';
  if (exit.error) return `not started: ${exit.error}`;
  if (exit.signal) return `signal ${exit.signal}`;
  return `code ${exit.code ?? '?'}`;
}
