import { HTTP_METHODS, httpMethodOf } from '../http/http-method';
import type { CompletedRequest, HttpRequestObserver, ObservedRequest } from '../http/http-request-observer.interface';
import type { MetricFactory, PositionalGauge, PositionalHistogram } from './metric-factory';
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
  private readonly duration: PositionalHistogram<DurationLabels>;
  private readonly active: PositionalGauge<'http_request_method'>;
  private readonly requestSize: PositionalHistogram<SizeLabels>;
  private readonly responseSize: PositionalHistogram<SizeLabels>;
  // Label values in the order of each metric's label names, filled for each observation
  // (SeriesStore.ofValues: no label object read by name). Never kept by the metrics.
  private readonly methodValues: [string] = [''];
  private readonly durationValues: [string, string, number, string, string] = ['', '', 0, '', ''];
  private readonly sizeValues: [string, string] = ['', ''];
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
    this.methodValues[0] = httpMethodOf(request.method);
    this.active.incValues(this.methodValues, 1);
  }

  /** A request ended; a sampled span links its duration observation to the trace. */
  end({ request, response, route: template, status, errorType, seconds, spanContext }: CompletedRequest): void {
    const method = httpMethodOf(request.method);
    this.methodValues[0] = method;
    this.active.incValues(this.methodValues, -1);
    const route = template ?? UNMATCHED_ROUTE;
    const durationValues = this.durationValues;
    durationValues[0] = method;
    durationValues[1] = route;
    durationValues[2] = status;
    durationValues[3] = errorType ?? '';
    durationValues[4] = template === undefined ? '' : this.apiVersionOf(template);
    this.duration.observeValues(durationValues, seconds, traceExemplarOf(spanContext));
    const sizeValues = this.sizeValues;
    sizeValues[0] = method;
    sizeValues[1] = route;
    const requestBytes = contentLength(request.headers['content-length']);
    if (requestBytes !== undefined) this.requestSize.observeValues(sizeValues, requestBytes);
    const responseBytes = contentLength(response.getHeader('content-length'));
    if (responseBytes !== undefined) this.responseSize.observeValues(sizeValues, responseBytes);
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
