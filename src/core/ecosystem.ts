import { defaultAppName, type StartInput } from './app-spec.js';
import { TsmError } from './errors.js';
import { canonicalFields } from './ecosystem/aliases.js';
import { appInput } from './ecosystem/app-input.js';
import { IGNORED_ON_PURPOSE, KNOWN_FIELDS, nearestField, TOP_LEVEL_IGNORED } from './ecosystem/fields.js';
import type { EcosystemHost } from './ecosystem/host.js';
import { appsOf } from './ecosystem/shape.js';

export type { EcosystemHost } from './ecosystem/host.js';
export { isEcosystemFile } from './ecosystem/file-names.js';

export interface EcosystemOptions {
  /**
   * The directory the command runs in. Relative `cwd`, `script`, log, pid and watch paths are
   * taken from there (from the app's cwd when it has one), as PM2 does: files kept in a folder
   * such as config/pm2/ rely on it.
   */
  baseDir: string;
  /** The CLI's environment, which every app starts from (as with `tsm start`). */
  env: Record<string, string>;
  /** `--env production` merges the app's `env_production` over its `env`. */
  envName?: string;
  host: EcosystemHost;
  /** The file, named in every message. */
  file?: string;
}

export interface EcosystemResult {
  inputs: StartInput[];
  /** One line each: fields ignored on purpose, unknown fields, modes changed. Never noise. */
  notices: string[];
}

/**
 * The one place an ecosystem file's content becomes StartInputs: its shape (apps list, one app,
 * a bare list), PM2's aliases, the fields mapped through the same parsers as the flags, and the
 * notices. Every app is checked before any is returned, so a bad value starts nothing.
 */
export function ecosystemInputs(config: unknown, options: EcosystemOptions): EcosystemResult {
  const prefix = options.file === undefined ? 'ecosystem file' : options.file;
  const shape = guard(prefix, () => appsOf(config));
  const onPurpose = new Map<string, Set<string>>(); // field -> apps
  const unknown = new Map<string, Set<string>>();
  const warnings: string[] = [];
  const note = (table: Map<string, Set<string>>, field: string, app: string): void => {
    table.set(field, (table.get(field) ?? new Set()).add(app));
  };
  for (const key of shape.ignoredTopLevel) note(key in TOP_LEVEL_IGNORED ? onPurpose : unknown, key, '');
  const inputs = shape.apps.map((app, index) => {
    const label = `apps[${index}]${typeof app['name'] === 'string' ? ` (${app['name']})` : ''}`;
    const who = typeof app['name'] === 'string' ? app['name'] : `apps[${index}]`;
    return guard(`${prefix}: ${label}`, () => {
      const fields = canonicalFields(app);
      for (const key of Object.keys(fields)) {
        if (KNOWN_FIELDS.has(key) || key.startsWith('env_')) continue;
        note(key in IGNORED_ON_PURPOSE ? onPurpose : unknown, key, who);
      }
      const result = appInput(fields, {
        baseDir: options.baseDir,
        env: options.env,
        envName: options.envName,
        host: options.host,
      });
      for (const key of result.unread) note(onPurpose, key, who);
      warnings.push(...result.warnings.map((warning) => `${prefix}: ${label}: ${warning}`));
      return result.input;
    });
  });
  const names = inputs.map((input) => input.name ?? defaultAppName(input.script));
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) {
    throw new TsmError('E_USAGE', `${prefix}: two apps are named '${twice}'; give each a different name.`);
  }
  const notices = [...warnings];
  if (onPurpose.size > 0) notices.push(`${prefix}: ignored, with no meaning in tsm: ${describeOnPurpose(onPurpose)}.`);
  if (unknown.size > 0) notices.push(`${prefix}: ignored, unknown to tsm: ${describeUnknown(unknown)}.`);
  return { inputs, notices };
}

/** Runs `fn`, putting `where` in front of a usage error's message. */
function guard<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof TsmError) throw new TsmError(error.code, `${where}: ${error.message}`);
    throw error;
  }
}

/** `pmx, automation (PM2 Plus monitoring); vizion (PM2 version-control metadata)`. */
function describeOnPurpose(fields: Map<string, Set<string>>): string {
  const byReason = new Map<string, string[]>();
  for (const field of fields.keys()) {
    const reason =
      TOP_LEVEL_IGNORED[field] ?? IGNORED_ON_PURPOSE[field] ?? (field.startsWith('watch_options.') ? "tsm's watcher has its own settings" : 'not used');
    byReason.set(reason, [...(byReason.get(reason) ?? []), field]);
  }
  return [...byReason].map(([reason, names]) => `${names.join(', ')} (${reason})`).join('; ');
}

/** `instance in api (did you mean instances?), colour in api, web`. */
function describeUnknown(fields: Map<string, Set<string>>): string {
  return [...fields]
    .map(([field, apps]) => {
      const where = [...apps].filter((app) => app !== '');
      const nearest = nearestField(field);
      return `${field}${where.length > 0 ? ` in ${where.join(', ')}` : ''}${nearest ? ` (did you mean ${nearest}?)` : ''}`;
    })
    .join(', ');
}
