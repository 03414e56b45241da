import { buildAppSpec, type AppSpec, type StartInput } from './app-spec.js';
import { TsmError } from './errors.js';

/**
 * A saved spec is read back through buildAppSpec, the check a start request passes, so a file
 * (hand-edited, from an older tsm, damaged) cannot put into the daemon what the socket would
 * refuse. A field an older file lacks gets the default a request without it gets.
 */

/** Which app, what it runs, where: no default could stand in for these in a saved app. */
const REQUIRED_FIELDS = ['name', 'script', 'cwd'] as const;

/**
 * Every field of a spec is a field of a start request, which is what makes checking a spec as a
 * request complete. A field added to AppSpec alone makes this fail to compile: give it a
 * StartInput field (and its check in buildAppSpec) too.
 */
type MustBeNever<T extends never> = T;
export type SpecFieldsWithoutInput = MustBeNever<Exclude<keyof AppSpec, keyof StartInput>>;

/** A saved spec as the daemon can run it, or a TsmError (E_SAVED_INVALID) saying what is wrong. */
export function checkSavedSpec(value: unknown): AppSpec {
  if (!isRecord(value)) throw invalid(`the spec is ${describeValue(value)}, not an object.`);
  for (const key of REQUIRED_FIELDS) {
    if (value[key] === undefined) throw invalid(`the spec has no ${key}.`);
  }
  // A request may ask for "one per CPU" (0 or less); a saved spec holds the count it resolved to.
  const instances = value['instances'];
  if (instances !== undefined && !(typeof instances === 'number' && Number.isInteger(instances) && instances >= 1)) {
    throw invalid(`instances must be a whole number of at least 1, got ${JSON.stringify(instances)}.`);
  }
  try {
    return buildAppSpec(toStartInput(value), 1);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // buildAppSpec speaks to a `tsm start` caller; here the reader wants the field, not the command.
    throw invalid(message.replace(/^start: /, ''), error);
  }
}

/** The spec's fields are the request's, but for logs: a LogSpec nests rotation, a LogInput is flat. */
function toStartInput(spec: Record<string, unknown>): StartInput {
  const { logs, ...fields } = spec;
  return { ...fields, logs: toLogInput(logs) } as StartInput;
}

function toLogInput(logs: unknown): StartInput['logs'] {
  if (logs === undefined) return undefined;
  if (!isRecord(logs)) throw invalid(`logs is ${describeValue(logs)}, not an object.`);
  const rotation = logs['rotation'] ?? {};
  if (!isRecord(rotation)) throw invalid(`logs.rotation is ${describeValue(rotation)}, not an object.`);
  const input: Record<string, unknown> = {};
  // In a spec null means "no file"; a request says so with NULL. Undefined: the default file.
  const path = (value: unknown): unknown => (value === null ? 'NULL' : value);
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null) input[key] = value;
  };
  set('out', path(logs['out']));
  set('err', path(logs['err']));
  set('combined', logs['combined']); // null is the default: no combined file
  set('merge', logs['merge']);
  set('dateFormat', logs['dateFormat']);
  set('type', logs['type']);
  set('maxSize', rotation['maxSize']);
  set('retain', rotation['retain']);
  set('compress', rotation['compress']);
  set('interval', rotation['interval']);
  return input;
}

function invalid(message: string, cause?: unknown): TsmError {
  return new TsmError('E_SAVED_INVALID', message, cause === undefined ? undefined : { cause });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, for a message: `a list`, `null`, `the number 3`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  // A file can hold megabytes in one field; a message quotes the start of it.
  return `the ${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
