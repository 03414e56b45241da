import { TsmError } from '../errors.js';
import { ALIASES } from './fields.js';

/**
 * The app's fields under their canonical names, so the rest of the loader knows one spelling per
 * field. An alias and its canonical field given with different values is refused: which one PM2
 * would take depends on its version, and a silent pick would run the app another way than meant.
 * PM2's `fork_mode`/`cluster_mode` spellings of exec_mode are read where exec_mode is.
 */
export function canonicalFields(app: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const spelledAs: Record<string, string> = {};
  for (const [key, value] of Object.entries(app)) {
    const name = ALIASES[key] ?? key;
    if (value === undefined) continue;
    const earlier = spelledAs[name];
    if (earlier !== undefined && !sameValue(fields[name], value)) {
      throw new TsmError('E_USAGE', `${earlier} and ${key} both give ${name}, with different values; keep one.`);
    }
    fields[name] = value;
    spelledAs[name] = key;
  }
  return fields;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
