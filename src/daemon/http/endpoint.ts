import { TsmError } from '../../core/errors.js';
import { formatAddress, parseAddress } from '../../core/settings.js';
import type { MetricsParams, MetricsStatus } from '../../protocol/metrics.js';
import type { Logger } from '../logger.js';
import type { SettingsStore } from '../persist/settings-store.js';
import type { DaemonState } from '../state.js';
import type { LoopDelayMonitor } from './loop-delay.js';
import type { HttpEndpoint } from './server.js';

interface Running {
  http: HttpEndpoint;
  loopDelay: LoopDelayMonitor;
}

/**
 * The metrics endpoint's owner: the saved setting, and the HTTP server that follows it. Changes
 * are applied one at a time and in an order that keeps the old state on any failure: a new
 * address is listened on before the setting is saved, and the old server is closed only after.
 *
 * node:http, the routes and the exposition are loaded (require) the first time the endpoint is
 * turned on: a daemon without metrics does not pay for them.
 */
export class MetricsEndpoint {
  private running: Running | null = null;
  private error: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
    private readonly state: () => DaemonState,
  ) {}

  /** At daemon start, once the settings are loaded: listen if enabled. A taken address is logged, not fatal. */
  boot(): Promise<void> {
    return this.serialized(async () => {
      const { metrics } = this.settings.current;
      if (!metrics.enabled) return;
      try {
        this.running = await this.open(metrics.address);
        this.logger.info(`metrics endpoint listening on http://${this.running.http.address}/metrics`);
      } catch (error) {
        this.error = (error as Error).message;
        this.logger.error(`metrics endpoint not started: ${this.error} Fix it with tsm metrics enable <host:port>.`);
      }
    });
  }

  /** Waits for a change (or the boot) under way, so a `status` right after a daemon start is true. */
  current(): Promise<MetricsStatus> {
    return this.serialized(async () => this.status());
  }

  private status(): MetricsStatus {
    return {
      enabled: this.settings.current.metrics.enabled,
      address: this.settings.current.metrics.address,
      listening: this.running?.http.address ?? null,
      error: this.error,
      settingsFile: this.settings.file,
    };
  }

  /** `tsm metrics enable|disable`: applied live and saved, or refused with nothing changed. */
  apply(set: NonNullable<MetricsParams['set']>): Promise<MetricsStatus> {
    return this.serialized(async () => {
      if (set.enabled) await this.enable(set.address);
      else await this.disable();
      return this.status();
    });
  }

  /** At daemon shutdown: stop listening; the setting stays as saved. */
  close(): Promise<void> {
    return this.serialized(async () => {
      const running = this.running;
      this.running = null;
      await this.shut(running);
    });
  }

  private async enable(given: string | undefined): Promise<void> {
    const address = formatAddress(parseAddress(given ?? this.settings.current.metrics.address));
    if (this.settings.current.metrics.enabled && this.running?.http.address === address) return;
    const opened = await this.open(address);
    try {
      await this.settings.update((current) => ({ ...current, metrics: { enabled: true, address } }));
    } catch (error) {
      await this.shut(opened);
      throw error;
    }
    const previous = this.running;
    this.running = opened;
    this.error = null;
    await this.shut(previous);
    this.logger.info(`metrics endpoint listening on http://${address}/metrics`);
  }

  private async disable(): Promise<void> {
    if (!this.settings.current.metrics.enabled && !this.running) return;
    await this.settings.update((current) => ({ ...current, metrics: { ...current.metrics, enabled: false } }));
    const previous = this.running;
    this.running = null;
    this.error = null;
    await this.shut(previous);
    this.logger.info('metrics endpoint turned off');
  }

  private async open(address: string): Promise<Running> {
    const { startHttpServer } = require('./server.js') as typeof import('./server.js');
    const { createRequestHandler } = require('./routes.js') as typeof import('./routes.js');
    const { LoopDelayMonitor } = require('./loop-delay.js') as typeof import('./loop-delay.js');
    const loopDelay = new LoopDelayMonitor();
    try {
      const http = await startHttpServer(parseAddress(address), createRequestHandler(this.state(), loopDelay));
      return { http, loopDelay };
    } catch (error) {
      loopDelay.stop();
      throw error;
    }
  }

  private async shut(running: Running | null): Promise<void> {
    if (!running) return;
    running.loopDelay.stop();
    await running.http.close();
  }

  /** One change at a time, in the order asked; a failed one does not stop the next. */
  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => {});
    return result;
  }
}

/** The handler's border check: what crossed the socket is checked before anything changes. */
export function checkMetricsParams(params: unknown): MetricsParams {
  const set = (params as MetricsParams | undefined)?.set;
  if (set === undefined) return {};
  if (!set || typeof set !== 'object' || typeof set.enabled !== 'boolean') {
    throw new TsmError('E_USAGE', 'metrics: expected set.enabled to be true or false.');
  }
  if (set.enabled && set.address !== undefined) parseAddress(set.address);
  return { set: set.enabled ? { enabled: true, ...(set.address === undefined ? {} : { address: set.address }) } : { enabled: false } };
}
