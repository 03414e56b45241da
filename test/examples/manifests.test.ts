import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/tsm.js';

const EXAMPLES = join(ROOT, 'examples');

/** The value after `flag` in an argument list. */
function after(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at === -1 ? undefined : args[at + 1];
}

function dockerCmd(): string[] {
  const line = readFileSync(join(EXAMPLES, 'Dockerfile'), 'utf8')
    .split('\n')
    .find((text) => text.startsWith('CMD '));
  return JSON.parse(line!.slice(4)) as string[];
}

describe('examples/kubernetes.yaml', () => {
  const text = readFileSync(join(EXAMPLES, 'kubernetes.yaml'), 'utf8');
  const documents = parseAllDocuments(text);

  it('is valid YAML: one Deployment', () => {
    for (const document of documents) expect(document.errors).toEqual([]);
    expect(documents.map((document) => (document.toJS() as { kind: string }).kind)).toEqual(['Deployment']);
  });

  it('probes /readyz and /healthz on the metrics port, which Prometheus is told to scrape', () => {
    const deployment = documents[0]!.toJS() as any;
    const template = deployment.spec.template;
    expect(deployment.spec.selector.matchLabels).toEqual(template.metadata.labels);
    const container = template.spec.containers[0];
    const ports = Object.fromEntries(container.ports.map((port: { name: string; containerPort: number }) => [port.name, port.containerPort]));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(template.metadata.annotations['prometheus.io/scrape']).toBe('true');
    expect(Number(template.metadata.annotations['prometheus.io/port'])).toBe(ports['metrics']);
    expect(after(container.args, '--metrics')).toBe(`0.0.0.0:${ports['metrics']}`);
  });

  it('gives the pod more time to stop than the apps kill timeout, the same as the Dockerfile', () => {
    const container = (documents[0]!.toJS() as any).spec.template.spec.containers[0];
    const killTimeoutMs = Number(after(container.args, '--kill-timeout'));
    expect(killTimeoutMs).toBe(Number(after(dockerCmd(), '--kill-timeout')));
    expect((documents[0]!.toJS() as any).spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(killTimeoutMs);
    expect(container.args[0]).toBe('tsm-runtime');
  });
});

describe('examples/Dockerfile', () => {
  const text = readFileSync(join(EXAMPLES, 'Dockerfile'), 'utf8');

  it('runs tsm-runtime on a Node image, under an init', () => {
    expect(text).toMatch(/^FROM node:\d+/m);
    expect(dockerCmd()[0]).toBe('tsm-runtime');
    expect(text).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(text).toContain('docker run --init');
  });
});
