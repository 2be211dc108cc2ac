// Loaded by the `./sdk` entry before Nest: type imports only.
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';

/** Deployment environments the telemetry labels and sampling defaults know about. @publicApi */
export type TelemetryEnvironment = 'dev' | 'staging' | 'prod';

/** Where finished spans go. @publicApi */
export type TraceExporterKind = 'otlp' | 'console' | 'none';

/** Where log lines go besides the log destination (stdout). @publicApi */
export type LogsExporterKind = 'otlp' | 'none';

/** OTLP transports, named as in `OTEL_EXPORTER_OTLP_PROTOCOL`. @publicApi */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Where batched OTLP/HTTP protobuf exports of spans and log records are sent from (`exportThread`). @publicApi */
export type ExportThread = 'worker' | 'main';

/** A path never traced: exact (`/health`), prefix (`/internal/*`) or a RegExp tested on the path. @publicApi */
export type IgnoredPath = string | RegExp;

/**
 * A request whose trace is always recorded, whatever the ratio: by a request header
 * (any value, or one matching), by path (exact `/checkout`, prefix `/admin/*`, or a
 * RegExp, as `ignorePaths`), or by a span attribute known when the span starts.
 * Rules decide for new traces; a continued trace follows its parent (parent-based).
 * @publicApi
 */
export type SamplingRule =
  | { header: string; value?: string | RegExp }
  | { path: IgnoredPath }
  | { attribute: string; value?: string | number | boolean | RegExp };

/** Head sampling: which new traces are recorded. @publicApi */
export interface TelemetrySampling {
  /**
   * Ratio of new traces recorded when no rule matches. Falls back to `OTEL_TRACES_SAMPLER`
   * / `OTEL_TRACES_SAMPLER_ARG`, then to the environment's default: 1 in dev and staging,
   * 0.1 in prod.
   */
  ratio?: number;
  /**
   * Follow the parent's decision for continued traces (a sampled caller's trace is never
   * cut in the middle). Falls back to the `parentbased_` prefix of `OTEL_TRACES_SAMPLER`.
   * @default true
   */
  parentBased?: boolean;
  /** Requests always recorded, e.g. `{ header: 'x-user-segment', value: 'vip' }`. @default [] */
  alwaysSample?: SamplingRule[];
}

/** Span batching, as `BatchSpanProcessor` takes it. @publicApi */
export interface BatchOptions {
  /** Delay between two exports, in ms. */
  scheduledDelayMillis?: number;
  /** Spans queued before new ones are dropped. */
  maxQueueSize?: number;
  /** Spans sent in one export (at most maxQueueSize). */
  maxExportBatchSize?: number;
  /** How long one export may take, in ms. */
  exportTimeoutMillis?: number;
}

/** Auto-instrumentations the SDK registers. @publicApi */
export interface TelemetryInstrumentationOptions {
  /**
   * HTTP spans: the SERVER span of every request (made by each app's request pipeline),
   * and CLIENT spans with `traceparent` injection for outgoing `node:http` calls.
   * @default true
   */
  http?: boolean;
  /**
   * `fetch()` / undici client spans and `traceparent` injection.
   * @default true
   */
  undici?: boolean;
  /**
   * A span for every express layer (middleware, router, request handler). Off by
   * default: one span per middleware is the main cost of naive setups, and the server
   * span is named after the route without it.
   * @default false
   */
  express?: boolean;
  /**
   * `@opentelemetry/instrumentation-nestjs-core`: the app creation span and two spans per
   * request (`Controller.handler` and the handler). Off by default: they repeat what the
   * route-named server span says and cost about 100 µs of CPU per request (npm run
   * bench). `TracingInterceptor` adds the controller span where you want it.
   * @default false
   */
  nestjs?: boolean;
  /**
   * Any other OpenTelemetry instrumentation, started with the module's own: e.g.
   * `[new PgInstrumentation(), new IORedisInstrumentation()]`. Their spans are children
   * of the request's span, like the module's. As for all instrumentations, the
   * instrumented library must load after `startTelemetry()`.
   * @default []
   */
  extra?: Instrumentation[];
}

/**
 * Options of `startTelemetry()`: what the process-level OpenTelemetry runtime is made of
 * (identity, export, sampling, request handling). Each option falls back to its standard
 * `OTEL_*` environment variable, then to the default.
 * @publicApi
 */
export interface TelemetrySdkOptions {
  /**
   * `service.name` of every span, and the `service` label / log field.
   * Falls back to `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`.
   * @default 'unknown_service:node'
   */
  serviceName?: string;
  /**
   * `service.version`. Falls back to `service.version` in `OTEL_RESOURCE_ATTRIBUTES`,
   * then `npm_package_version`.
   * @default '0.0.0'
   */
  serviceVersion?: string;
  /**
   * `deployment.environment.name`, the `environment` label. Falls back to
   * `deployment.environment.name` in `OTEL_RESOURCE_ATTRIBUTES`.
   * @default 'dev'
   */
  environment?: TelemetryEnvironment;
  /**
   * `service.namespace`, the `project` label. Falls back to `service.namespace`
   * in `OTEL_RESOURCE_ATTRIBUTES`.
   * @default 'default'
   */
  project?: string;
  /**
   * Detect the host, OS, process and service instance resource attributes. Some are
   * resolved asynchronously, and a span is exported once they are known; tests that read
   * spans synchronously turn this off.
   * @default true
   */
  detectResources?: boolean;
  /**
   * Extra resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`.
   * @default {}
   */
  resourceAttributes?: Record<string, string | number | boolean>;
  /**
   * Span exporter. Falls back to `OTEL_TRACES_EXPORTER`; when neither is set, `otlp`
   * if an OTLP endpoint is known, otherwise `none` (no collector, no connection errors).
   * @default 'otlp' with an endpoint, 'none' without
   */
  traceExporter?: TraceExporterKind;
  /**
   * OTLP base endpoint, e.g. `http://collector:4318` (`/v1/traces` is appended for
   * HTTP). Falls back to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), then
   * `OTEL_EXPORTER_OTLP_ENDPOINT`.
   * @default undefined (no export)
   */
  otlpEndpoint?: string;
  /**
   * OTLP transport. Falls back to `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, then
   * `OTEL_EXPORTER_OTLP_PROTOCOL`.
   * @default 'http/protobuf'
   */
  otlpProtocol?: OtlpProtocol;
  /**
   * Also send every log line as an OTLP log record (to `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`,
   * or the OTLP endpoint + `/v1/logs`, over `otlpProtocol`), with its trace context: what
   * a collector without access to stdout, or the telemetry viewer, reads. The lines are
   * still written to the log destination. Falls back to `OTEL_LOGS_EXPORTER`.
   * @default 'none'
   */
  logsExporter?: LogsExporterKind;
  /**
   * A custom exporter (e.g. `InMemorySpanExporter` in tests). Takes precedence over
   * `traceExporter`; spans are exported one by one when `batch` is false.
   * @default undefined
   */
  spanExporter?: SpanExporter;
  /**
   * Batch spans before export. Off means one export per span: tests only.
   * @default true
   */
  batch?: boolean;
  /**
   * Batch tuning. Each field falls back to its `OTEL_BSP_*` variable
   * (`OTEL_BSP_SCHEDULE_DELAY`, `OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`,
   * `OTEL_BSP_EXPORT_TIMEOUT`), then to the SDK default (5000 ms, 2048, 512, 30000 ms).
   * @default {}
   */
  batchOptions?: BatchOptions;
  /**
   * Where batched OTLP/HTTP protobuf exports of spans and log records are sent from.
   * `worker`: one worker thread the library starts with the first export. An HTTP client in the app's own thread runs
   * through the same Node code as the app's server, with objects of other shapes, and
   * V8's type feedback for that code then serves every request more slowly: about 5 µs a
   * request with full telemetry in the benchmark's profiles (BENCHMARKS.md). The thread
   * costs about 30 MB of memory, and its own work (about 3 µs a request there) runs on
   * another core where the process has one to spare. `main`: the app's thread, as OpenTelemetry's exporters do.
   * Where the library is bundled into one file or runs from its TypeScript sources, the
   * worker's script is not there and exports stay on the main thread. Other protocols,
   * a `spanExporter` of the app's and `batch: false` always export from the main thread.
   * @default 'worker'
   */
  exportThread?: ExportThread;
  /**
   * Ratio of new traces recorded (parent-based: a sampled parent is always followed):
   * the shorthand of `sampler: { ratio }`. Falls back to `OTEL_TRACES_SAMPLER_ARG`, then
   * to the environment's default (1 in dev and staging, 0.1 in prod).
   */
  samplingRatio?: number;
  /**
   * Head sampling: rules that always keep a request (a VIP header, a path), a ratio for
   * the rest, parent-based; or any OpenTelemetry `Sampler`. `OTEL_TRACES_SAMPLER` names
   * the standard samplers (`always_on`, `always_off`, `traceidratio` and their
   * `parentbased_` forms). Errors and slow requests cannot be known when a trace starts:
   * the collector's tail sampling keeps those (see the README).
   */
  sampler?: TelemetrySampling | Sampler;
  /**
   * Paths never traced: no span, no child spans. Their responses still carry the tracking id.
   * @default ['/health', '/healthz', '/livez', '/readyz', '/metrics']
   */
  ignorePaths?: IgnoredPath[];
  /**
   * Response header carrying the tracking id (the trace id).
   * @default 'X-Tracking-ID'
   */
  trackingIdHeader?: string;
  /**
   * Send the request's trace context to browsers as
   * `Server-Timing: traceparent;desc="00-…"`, which front-end RUM tools read to join
   * their spans to the server's trace. Off unless asked for: only a service browsers call
   * directly needs it, and the header costs every response (about 1 µs of CPU a request in
   * `npm run bench:ab`, BENCHMARKS.md).
   * @default false
   */
  serverTiming?: boolean;
  /**
   * How long shutdown may take, from the signal to exit: in-flight requests finish and
   * spans and log lines are flushed within it; a collector that hangs cannot hold the
   * process past it.
   * @default 10000
   */
  shutdownTimeoutMillis?: number;
  /**
   * Span export failures (collector down, refused, timing out) are logged at most once
   * per interval, with the number not logged since.
   * @default 60000
   */
  exportErrorLogIntervalMillis?: number;
  /**
   * Auto-instrumentations to register.
   * @default all on, express layer spans off
   */
  instrumentations?: TelemetryInstrumentationOptions;
}
