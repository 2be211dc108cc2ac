import type { TelemetrySdkOptions } from './telemetry-sdk-options.interface';

/** The Prometheus side: `/metrics`, HTTP metrics, label guards. @publicApi */
export interface TelemetryMetricsOptions {
  /**
   * Serve `/metrics` and record the automatic HTTP metrics.
   * @default true
   */
  enabled?: boolean;
  /**
   * Process and runtime metrics of prom-client (CPU, memory, event loop lag, GC).
   * @default true
   */
  defaultMetrics?: boolean;
  /**
   * Serve `/metrics` on this port (on `host`) instead of the app's port, e.g. to keep it
   * off the public listener. 0 picks a free port.
   * @default undefined (the app's own port)
   */
  port?: number;
  /**
   * Address of the separate metrics listener.
   * @default '0.0.0.0'
   */
  host?: string;
  /**
   * When set, `/metrics` answers 401 unless the request carries `Authorization: Bearer <token>`.
   * @default undefined (open)
   */
  bearerToken?: string;
  /**
   * Distinct values kept per label of a metric; later values are recorded as `other`
   * and counted in `telemetry_metric_label_overflow_total`.
   * @default 100
   */
  maxLabelValues?: number;
  /**
   * Measured operations (`@Measured()`, `MetricsService.measure()`): how many records the
   * in-memory buffer keeps (oldest dropped first, drops counted), and whether
   * `GET /_telemetry/operations` (`?format=csv`) serves them, behind `bearerToken` if set.
   * @default { bufferSize: 1000, endpoint: false }
   */
  operations?: { bufferSize?: number; endpoint?: boolean };
}

/** Log levels, lowest first. @publicApi */
export type TelemetryLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** The structured logs (nestjs-pino). @publicApi */
export interface TelemetryLoggingOptions {
  /**
   * Set up nestjs-pino and make it the application's logger.
   * @default true
   */
  enabled?: boolean;
  /**
   * Lowest level written. Falls back to `LOG_LEVEL`, then to the environment's default.
   * @default 'warn' in prod, 'info' in staging, 'debug' in dev
   */
  level?: TelemetryLogLevel;
  /**
   * Human-readable lines (pino-pretty) instead of JSON. Falls back to `LOG_PRETTY=true`.
   * @default false
   */
  pretty?: boolean;
  /**
   * nestjs-pino's per-request logger (a child logger bound to each request), which
   * `PinoLogger.assign()` needs. Off by default: lines carry the tracking id and trace
   * context without it, and it costs a Nest middleware and a child logger on every
   * request, the largest single item of the logging cost (BENCHMARKS.md). Turn it on to
   * use `assign()`; without it `assign()` throws nestjs-pino's "out of request scope" error.
   * @default false
   */
  requestContext?: boolean;
  /**
   * One access log line per request (INFO 2xx/3xx, WARN 4xx, ERROR 5xx).
   * @default true
   */
  accessLog?: boolean;
  /**
   * Keys whose values are replaced by `[REDACTED]` at any depth, beside the defaults
   * (authorization, cookie, set-cookie, password, token, secret, api_key and e-mail fields).
   * @default []
   */
  redact?: string[];
  /**
   * Mask the last part of client IPs in the access log (`192.168.1.xxx`).
   * @default false
   */
  maskIp?: boolean;
  /**
   * `source.function`, `source.file` and `source.line` of the code that logged, on every
   * line. Off by default: it captures a stack per line (BENCHMARKS.md). Falls back to
   * `LOG_SOURCE=true`.
   * @default false
   */
  source?: boolean;
  /**
   * Most fields one line may have, counted as CloudWatch counts them (flattened leaves).
   * @default 900
   */
  maxFields?: number;
  /**
   * Where lines go, e.g. a memory stream in tests.
   * @default stdout, asynchronously, flushed on shutdown
   */
  destination?: { write(line: string): unknown };
}

/**
 * Options of `TelemetryModule.forRoot()` / `forRootAsync()`: the app-level pieces
 * (`metrics`, `logging`), plus, optionally, the SDK-level options of `startTelemetry()`.
 *
 * With an SDK started by `startTelemetry()`, the SDK-level values are read from it; an
 * SDK-level option given here too must agree with it, or start-up fails with
 * `TelemetryOptionsConflictError` (one setting never silently disagrees with itself).
 * Without a started SDK they configure the module's stand-in runtime (identity, tracking
 * id header, ignored paths), so one object can be passed to both.
 * @publicApi
 */
export interface TelemetryModuleOptions extends TelemetrySdkOptions {
  /**
   * Prometheus metrics.
   * @default enabled, default metrics on, served at `/metrics` on the app's port
   */
  metrics?: TelemetryMetricsOptions;
  /**
   * Structured JSON logs.
   * @default enabled, level by environment, JSON, access log on, default redaction
   */
  logging?: TelemetryLoggingOptions;
}
