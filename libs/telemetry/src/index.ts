export { TelemetryModule } from './telemetry.module';
export { TELEMETRY_MODULE_OPTIONS, type TelemetryOptionsFactory } from './telemetry.module-definition';
export {
  DEFAULT_IGNORED_PATHS,
  DEFAULT_TRACKING_ID_HEADER,
  TELEMETRY_OPTIONS,
  TelemetryAttributes,
} from './telemetry.constants';
export type {
  BatchOptions,
  IgnoredPath,
  OtlpProtocol,
  TelemetryEnvironment,
  TelemetryInstrumentationOptions,
  TelemetryLogLevel,
  TelemetryLoggingOptions,
  TelemetryMetricsOptions,
  TelemetryModuleOptions,
  TraceExporterKind,
} from './interfaces/telemetry-module-options.interface';
export type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
export { InvalidTelemetryOptionsError } from './options/invalid-telemetry-options.error';
export { resolveTelemetryOptions } from './options/telemetry-options.resolver';
export { startTelemetry, getTelemetrySdk, type TelemetrySdk } from './sdk/telemetry-sdk';
export { Traced } from './tracing/traced.decorator';
export type { TracedOptions } from './tracing/span-options.interface';
export { TraceService } from './tracing/trace.service';
export { TracingInterceptor } from './tracing/tracing.interceptor';
export { TrackingId } from './tracking-id/tracking-id.decorator';
export { TrackingIdMiddleware } from './tracking-id/tracking-id.middleware';
export { MetricsService, WORKFLOW_STATUSES, AI_REQUEST_STATUSES, TASK_STATUSES } from './metrics/metrics.service';
export type { AiRequestRecord, AiRequestStatus, TaskStatus, WorkflowStatus } from './metrics/metrics.service';
export type { MetricDefinition, HistogramDefinition, TelemetryCounter, TelemetryGauge, TelemetryHistogram } from './metrics/metric-factory';
export { OVERFLOW_LABEL_VALUE, type LabelValues } from './metrics/label-guard';
export {
  HTTP_DURATION_BUCKETS,
  STANDARD_LABELS,
  TELEMETRY_METRICS_REGISTRY,
  UNMATCHED_ROUTE,
} from './metrics/metrics.constants';
export { ERROR_LOG_EVENT } from './logging/error-span-event';
export { DROPPED_FIELDS_KEY } from './logging/field-cap';
export { REDACTED } from './logging/redaction';
