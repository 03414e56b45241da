import { TsmError } from '../errors.js';

/**
 * An app's environment: the CLI's, then `port` (PM2 turns it into PORT), then the app's `env`,
 * then `env_<name>` with --env <name>; a later layer wins. Values are made strings the way PM2
 * passes them on: numbers and booleans as text, objects as JSON. A key whose value is `undefined`
 * or `null` is skipped, as PM2 does (it serialises env to JSON, which loses undefined): the app
 * keeps what it inherits, never the text "undefined".
 */
export function appEnvironment(
  fields: Record<string, unknown>,
  base: Record<string, string>,
  envName: string | undefined,
): Record<string, string> {
  const env = { ...base };
  const port = fields['port'];
  if (port !== undefined && port !== null) {
    const text = String(port).trim();
    if (!/^\d+$/.test(text) || Number(text) > 65535) throw new TsmError('E_USAGE', `port ${JSON.stringify(port)}: expected a port number from 0 to 65535.`);
    env['PORT'] = text;
  }
  const layers: Array<[string, unknown]> = [['env', fields['env']]];
  if (envName !== undefined) layers.push([`env_${envName}`, fields[`env_${envName}`]]);
  for (const [key, layer] of layers) {
    if (layer === undefined || layer === null) continue;
    if (typeof layer !== 'object' || Array.isArray(layer)) {
      throw new TsmError('E_USAGE', `${key} must be an object of names to values, got ${Array.isArray(layer) ? 'a list' : typeof layer}.`);
    }
    for (const [name, value] of Object.entries(layer)) {
      if (value === undefined || value === null) continue;
      env[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
  }
  return env;
}
