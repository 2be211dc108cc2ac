import { HTTP_METHODS, httpMethodOf } from '../http/http-method';
import type { CompletedRequest, HttpRequestObserver, ObservedRequest } from '../http/http-request-observer.interface';
import type { MetricFactory, TelemetryGauge, TelemetryHistogram } from './metric-factory';
import { HTTP_DURATION_BUCKETS, HTTP_SIZE_BUCKETS, UNMATCHED_ROUTE } from './metrics.constants';
import { traceExemplarOf } from './sampled-trace-exemplar';

const API_VERSION = /\/(v\d+)(?=\/|$)/;

type DurationLabels = 'http_request_method' | 'http_route' | 'http_response_status_code' | 'error_type' | 'api_version';
type SizeLabels = 'http_request_method' | 'http_route';

/**
 * The automatic HTTP server metrics (RED), named after the stable OpenTelemetry HTTP
 * conventions in Prometheus form. Fed by the http instrumentation hooks, so the
 * duration is the server span's own (same start, same end) and nothing runs in
 * Nest's request pipeline.
 * @internal
 */
export class HttpMetrics implements HttpRequestObserver {
  private readonly duration: TelemetryHistogram<DurationLabels>;
  private readonly active: TelemetryGauge<'http_request_method'>;
  private readonly requestSize: TelemetryHistogram<SizeLabels>;
  private readonly responseSize: TelemetryHistogram<SizeLabels>;
  /** The API version of each route template, read once per template rather than per request. */
  private readonly apiVersions = new Map<string, string>();

  constructor(factory: MetricFactory) {
    this.duration = factory.histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP server requests',
      labelNames: ['http_request_method', 'http_route', 'http_response_status_code', 'error_type', 'api_version'],
      labelValues: { http_request_method: HTTP_METHODS },
      // Route templates come from the app's own code; unmatched requests share one value.
      boundedLabels: ['http_route'],
      buckets: HTTP_DURATION_BUCKETS,
      exemplars: true,
    });
    this.active = factory.gauge({
      name: 'http_server_active_requests',
      help: 'HTTP server requests in flight',
      labelNames: ['http_request_method'],
      labelValues: { http_request_method: HTTP_METHODS },
    });
    const bodySize = (name: string, help: string) =>
      factory.histogram<SizeLabels>({
        name,
        help,
        labelNames: ['http_request_method', 'http_route'],
        labelValues: { http_request_method: HTTP_METHODS },
        boundedLabels: ['http_route'],
        buckets: HTTP_SIZE_BUCKETS,
      });
    this.requestSize = bodySize('http_server_request_body_size_bytes', 'Size of HTTP server request bodies (Content-Length)');
    this.responseSize = bodySize('http_server_response_body_size_bytes', 'Size of HTTP server response bodies (Content-Length)');
  }

  /** A request started: it is in flight until `end`. */
  start(request: ObservedRequest): void {
    this.active.inc({ http_request_method: httpMethodOf(request.method) });
  }

  /** A request ended; a sampled span links its duration observation to the trace. */
  end({ request, response, route: template, status, errorType, seconds, spanContext }: CompletedRequest): void {
    const method = httpMethodOf(request.method);
    this.active.dec({ http_request_method: method });
    const route = template ?? UNMATCHED_ROUTE;
    this.duration.observe(
      {
        http_request_method: method,
        http_route: route,
        http_response_status_code: status,
        error_type: errorType ?? '',
        api_version: template === undefined ? '' : this.apiVersionOf(template),
      },
      seconds,
      traceExemplarOf(spanContext),
    );
    const requestBytes = contentLength(request.headers['content-length']);
    if (requestBytes !== undefined) this.requestSize.observe({ http_request_method: method, http_route: route }, requestBytes);
    const responseBytes = contentLength(response.getHeader('content-length'));
    if (responseBytes !== undefined) this.responseSize.observe({ http_request_method: method, http_route: route }, responseBytes);
  }

  private apiVersionOf(template: string): string {
    let version = this.apiVersions.get(template);
    if (version === undefined) {
      version = template.match(API_VERSION)?.[1] ?? '';
      // Templates come from the app's code; the cap only guards against a foreign route source.
      if (this.apiVersions.size < 1000) this.apiVersions.set(template, version);
    }
    return version;
  }
}

function contentLength(value: unknown): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const bytes = Number(raw);
  return Number.isFinite(bytes) && bytes >= 0 ? bytes : undefined;
}
