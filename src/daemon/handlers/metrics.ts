import type { Params, Result } from '../../protocol/methods.js';
import { checkMetricsParams } from '../http/endpoint.js';
import type { DaemonState } from '../state.js';

/** `tsm metrics [enable [addr] | disable | status]`: the endpoint turned on or off live, and saved. */
export async function handleMetrics(state: DaemonState, params: Params<'metrics'>): Promise<Result<'metrics'>> {
  const { set } = checkMetricsParams(params);
  return set ? state.metricsEndpoint.apply(set) : state.metricsEndpoint.current();
}
