import { isSchedulingPolicy, type SchedulingPolicy } from './cluster-scheduling.js';
import { TsmError } from './errors.js';

/**
 * The daemon's own settings, kept in `$TSM_HOME/settings.json` so they survive `tsm kill` and a
 * new daemon: the metrics endpoint, and the cluster scheduling policy. The file carries a
 * version, like the app lists, so a later tsm can tell an old file from a broken one. A key an
 * older tsm does not know is ignored by it, so adding one keeps the version.
 */
export const SETTINGS_VERSION = 1;

/** Where the endpoint listens when nobody said: loopback only, the port is Prometheus' habit (92xx). */
export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9209';

export interface MetricsSettings {
  enabled: boolean;
  /** `host:port`, as the user gave it once checked (`[::1]:9209` for IPv6). */
  address: string;
}

export interface ClusterSettings {
  scheduling: SchedulingPolicy;
}

export interface Settings {
  metrics: MetricsSettings;
  /**
   * Absent until someone chooses a policy (`tsm cluster-scheduling`): a file written for the
   * metrics endpoint must not pin today's default for a later tsm whose default may differ.
   */
  cluster?: ClusterSettings;
}

export function defaultSettings(): Settings {
  return { metrics: { enabled: false, address: DEFAULT_METRICS_ADDRESS } };
}

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * `127.0.0.1:9209`, `0.0.0.0:9209`, `[::1]:9209`, `localhost:9209`, or a bare port (loopback).
 * Host names other than localhost are refused: binding to a name depends on DNS at every daemon
 * start, and an address that changes under a running endpoint is not what anyone wants.
 */
export function parseAddress(text: unknown): ListenAddress {
  const shown = typeof text === 'string' ? `'${text}'` : JSON.stringify(text) ?? String(text);
  const fail = (why: string): never => {
    throw new TsmError(
      'E_USAGE',
      `metrics address ${shown}: ${why}. Give host:port with an IP address, such as 127.0.0.1:9209, ` +
        '0.0.0.0:9209 (every interface) or [::1]:9209, or a port alone for 127.0.0.1.',
    );
  };
  if (typeof text !== 'string' || text.length === 0 || text.length > 300) return fail('expected host:port');
  let host = '127.0.0.1';
  let portText = text;
  if (!/^\d+$/.test(text)) {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(text);
    if (!match) return fail('expected host:port (IPv6 in brackets)');
    const v6 = match[1];
    host = v6 ?? match[2]!;
    portText = match[3]!;
    if (v6 !== undefined && !isIPv6(v6)) return fail(`${v6} is not an IPv6 address`);
    if (v6 === undefined && host !== 'localhost' && !isIPv4(host)) return fail(`${host} is not an IPv4 address nor localhost`);
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`port ${portText} is not between 1 and 65535`);
  return { host, port };
}

export function formatAddress(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Dotted quad, each part 0-255 without leading zeros (which some parsers read as octal). */
function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

/** The URL parser knows IPv6 (core stays free of node:net): it refuses what is not an address. */
function isIPv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/** The file as written; `serializeSettings` is its only writer. */
interface SettingsFile {
  version: number;
  metrics: MetricsSettings;
  cluster?: ClusterSettings;
}

export function serializeSettings(settings: Settings): string {
  const file: SettingsFile = {
    version: SETTINGS_VERSION,
    metrics: settings.metrics,
    ...(settings.cluster ? { cluster: { scheduling: settings.cluster.scheduling } } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Checks a parsed settings file at the border. A field that is missing takes its default; a
 * field that is wrong makes the whole file unusable (the caller sets it aside), because a
 * half-read setting (an endpoint on an address nobody chose) is worse than the default.
 */
export function parseSettings(value: unknown): Settings {
  const fail = (why: string): never => {
    throw new TsmError('E_SAVED_INVALID', `settings: ${why}`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('expected a JSON object');
  const file = value as Record<string, unknown>;
  if (file['version'] !== SETTINGS_VERSION) return fail(`version ${JSON.stringify(file['version'])}, expected ${SETTINGS_VERSION}`);
  const settings = defaultSettings();
  const cluster = file['cluster'];
  if (cluster !== undefined) {
    if (!cluster || typeof cluster !== 'object' || Array.isArray(cluster)) return fail('cluster: expected an object');
    const { scheduling } = cluster as Record<string, unknown>;
    if (!isSchedulingPolicy(scheduling)) return fail(`cluster.scheduling: expected "shared" or "round-robin", got ${String(JSON.stringify(scheduling)).slice(0, 60)}`);
    settings.cluster = { scheduling };
  }
  const metrics = file['metrics'];
  if (metrics === undefined) return settings;
  if (!metrics || typeof metrics !== 'object' || Array.isArray(metrics)) return fail('metrics: expected an object');
  const { enabled, address } = metrics as Record<string, unknown>;
  if (enabled !== undefined && typeof enabled !== 'boolean') return fail('metrics.enabled: expected true or false');
  if (address !== undefined) {
    try {
      settings.metrics.address = formatAddress(parseAddress(address));
    } catch (error) {
      return fail(`metrics.address: ${(error as Error).message}`);
    }
  }
  settings.metrics.enabled = enabled ?? false;
  return settings;
}
