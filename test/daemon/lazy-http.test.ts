import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..', '..', 'src');

/** The endpoint's code, node:http included: require()d by http/endpoint.ts when the endpoint is turned on. */
const LAZY = ['server', 'routes', 'collect', 'exposition', 'loop-delay', 'readiness'].map((name) => `daemon/http/${name}.ts`);

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return files(join(dir, entry.name), rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The files (relative to src/) that `file` imports at load time: `import type` is erased, require() is not counted. */
function loadTimeImports(file: string): string[] {
  const source = readFileSync(join(SRC, file), 'utf8');
  return [...source.matchAll(/^(?:import|export) (?!type )[^;]*? from '(\.[^']+)\.js';/gm)].map(
    (match) => `${posix.normalize(posix.join(posix.dirname(file), match[1]!))}.ts`,
  );
}

describe('the metrics endpoint is loaded lazily', () => {
  it('no file outside the endpoint imports its code (or node:http) at load time', () => {
    const offenders = files(SRC)
      .filter((file) => !LAZY.includes(file))
      .flatMap((file) => loadTimeImports(file).filter((target) => LAZY.includes(target)).map((target) => `src/${file} imports src/${target}`));
    expect(offenders).toEqual([]);
    const endpoint = readFileSync(join(SRC, 'daemon', 'http', 'endpoint.ts'), 'utf8');
    for (const name of ['server', 'routes', 'loop-delay']) expect(endpoint).toContain(`require('./${name}.js')`);
    // The check sees real imports: main.ts imports the control socket's server.
    expect(loadTimeImports('daemon/main.ts')).toContain('daemon/server.ts');
    expect(loadTimeImports('daemon/http/routes.ts')).toContain('daemon/http/collect.ts');
  });
});
