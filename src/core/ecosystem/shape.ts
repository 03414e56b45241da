import { TsmError } from '../errors.js';
import { TOP_LEVEL_IGNORED } from './fields.js';

export interface EcosystemShape {
  apps: Array<Record<string, unknown>>;
  /** Top-level keys beside `apps` that tsm does not read (`deploy`...). */
  ignoredTopLevel: string[];
}

/** A file listing more apps than this is a generated mistake, not a deployment: refused up front. */
export const MAX_APPS = 1000;

const EXPECTED = 'expected `module.exports = { apps: [{ name, script, ... }] }`, one app object, or a list of apps';

/**
 * The apps of a loaded file, whatever shape PM2 accepts: `{ apps: [...] }`, `{ apps: {...} }`,
 * a bare list of apps, or one app object (`module.exports = { name, script }`, a process.json
 * holding one app). Anything else is refused with what was found and what is expected.
 */
export function appsOf(config: unknown): EcosystemShape {
  if (config === null || config === undefined || typeof config !== 'object') {
    throw new TsmError('E_USAGE', `the file holds ${describe(config)}; ${EXPECTED}.`);
  }
  if (Array.isArray(config)) return { apps: checkApps(config), ignoredTopLevel: [] };
  const record = config as Record<string, unknown>;
  if ('apps' in record) {
    const apps = record['apps'];
    const list = Array.isArray(apps) ? apps : apps && typeof apps === 'object' ? [apps] : null;
    if (list === null) throw new TsmError('E_USAGE', `apps holds ${describe(apps)}; ${EXPECTED}.`);
    return { apps: checkApps(list), ignoredTopLevel: Object.keys(record).filter((key) => key !== 'apps') };
  }
  if ('script' in record || 'cmd' in record) return { apps: [record], ignoredTopLevel: [] };
  const keys = Object.keys(record);
  const hint = keys.length === 0 ? 'it is empty' : `its keys are ${keys.slice(0, 8).join(', ')}`;
  const deployOnly = keys.length > 0 && keys.every((key) => key in TOP_LEVEL_IGNORED) ? ' (a deploy section alone starts nothing)' : '';
  throw new TsmError('E_USAGE', `no apps found: ${hint}${deployOnly}; ${EXPECTED}.`);
}

function checkApps(list: unknown[]): Array<Record<string, unknown>> {
  if (list.length === 0) throw new TsmError('E_USAGE', `apps is empty; ${EXPECTED}, with at least one app.`);
  if (list.length > MAX_APPS) throw new TsmError('E_USAGE', `apps lists ${list.length} apps; at most ${MAX_APPS} per file.`);
  return list.map((app, index) => {
    if (!app || typeof app !== 'object' || Array.isArray(app)) {
      throw new TsmError('E_USAGE', `apps[${index}] must be an object with at least a script, got ${describe(app)}.`);
    }
    return app as Record<string, unknown>;
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
