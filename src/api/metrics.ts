// The API's Prometheus metrics (DESIGN decision 10): requests and their latency by route and status,
// and the open event streams; names carry the `tally_api_` prefix and end in their unit.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Latency buckets in seconds: from a cached read (~0.5 ms) to a slow batch admission (~2.5 s). */
const latencyBucketsSec = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export type ApiMetrics = {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route' | 'status'>;
  readonly eventStreams: Gauge;
};

/** The same registry may serve a restarted server: reuse a metric already registered there. */
function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createApiMetrics(registry: Registry): ApiMetrics {
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    requests: reuse(
      registry,
      'tally_api_requests_total',
      () =>
        new Counter({
          name: 'tally_api_requests_total',
          help: 'HTTP requests answered, by method, route and status',
          labelNames,
          registers: [registry],
        }),
    ),
    latency: reuse(
      registry,
      'tally_api_request_duration_seconds',
      () =>
        new Histogram({
          name: 'tally_api_request_duration_seconds',
          help: 'Time to answer an HTTP request, by method, route and status',
          labelNames,
          buckets: latencyBucketsSec,
          registers: [registry],
        }),
    ),
    eventStreams: reuse(
      registry,
      'tally_api_event_streams',
      () =>
        new Gauge({
          name: 'tally_api_event_streams',
          help: 'Open WebSocket event streams',
          registers: [registry],
        }),
    ),
  };
}

export function installMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids in paths would make a label per request.
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    metrics.requests.inc(labels);
    metrics.latency.observe(labels, reply.elapsedTime / 1000);
  });
}
