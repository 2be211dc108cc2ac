// The `nest-telemetry` entry: the Nest module and what business code uses.
export { TelemetryModule } from './telemetry.module';
export { TELEMETRY_MODULE_OPTIONS, type TelemetryOptionsFactory } from './telemetry.module-definition';
export {
  DEFAULT_IGNORED_PATHS,
  DEFAULT_TRACKING_ID_HEADER,
  TELEMETRY_OPTIONS,
  TELEMETRY_RUNTIME,
  TelemetryAttributes,
} from './telemetry.constants';
export type {
  BatchOptions,
  IgnoredPath,
  OtlpProtocol,
  SamplingRule,
  TelemetryEnvironment,
  TelemetryInstrumentationOptions,
  TelemetrySampling,
  TelemetrySdkOptions,
  TraceExporterKind,
  ExportThread,
} from './interfaces/telemetry-sdk-options.interface';
export type {
  TelemetryLogLevel,
  TelemetryLoggingOptions,
  TelemetryMetricsOptions,
  TelemetryModuleOptions,
} from './interfaces/telemetry-module-options.interface';
export type { ResolvedAppOptions, ResolvedSampling, ResolvedSdkOptions, ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
export { InvalidTelemetryOptionsError } from './options/invalid-telemetry-options.error';
export { TelemetryOptionsConflictError } from './options/telemetry-options-conflict.error';
export { startTelemetry } from './sdk/start-telemetry';
export type { TelemetryRuntime } from './sdk/telemetry-runtime';
export { MissingPeerDependencyError } from './sdk/optional-peer';
export type { CompletedRequest, HttpRequestObserver } from './http/http-request-observer.interface';
export { CLIENT_CLOSED_REQUEST } from './http/http.constants';
export { Traced } from './tracing/traced.decorator';
export type { TracedOptions } from './tracing/span-options.interface';
export { TraceService } from './tracing/trace.service';
export { TracingInterceptor } from './tracing/tracing.interceptor';
export { TrackingId } from './tracking-id/tracking-id.decorator';
export { TrackingIdMiddleware } from './tracking-id/tracking-id.middleware';
export { MetricsService } from './metrics/metrics.service';
export { MetricFactory } from './metrics/metric-factory';
export type { MetricDefinition, HistogramDefinition, TelemetryCounter, TelemetryGauge, TelemetryHistogram } from './metrics/metric-factory';
export { WorkflowMetrics, WORKFLOW_STATUSES, type WorkflowStatus } from './metrics/business/workflow.metrics';
export { AiMetrics, AI_REQUEST_STATUSES, type AiRequestRecord, type AiRequestStatus } from './metrics/business/ai.metrics';
export { TaskMetrics, TASK_STATUSES, type TaskStatus } from './metrics/business/task.metrics';
export { SessionMetrics } from './metrics/business/session.metrics';
export { ApiKeyMetrics, apiKeyId, type ApiKeyUsage } from './metrics/business/api-key.metrics';
export { OperationMetrics, CACHE_RESULTS, type CacheResult } from './metrics/business/operation.metrics';
export { OVERFLOW_LABEL_VALUE, type LabelValues } from './metrics/label-guard';
export { Measured, type MeasuredOptions } from './operations/measured.decorator';
export { InvalidOperationInputError } from './operations/invalid-operation-input.error';
export { OPERATION_CSV_COLUMNS } from './operations/operation-log';
export type { OperationMetadata, OperationRecord, OperationStatus, OperationsSummary, OperationTypeSummary } from './operations/operation-record';
export type { SpanExportStats } from './sdk/span-export-monitor';
export { StrictTraceContextPropagator } from './propagation/strict-trace-context.propagator';
export { W3CTraceState } from './propagation/tracestate';
export {
  BUSINESS_DURATION_BUCKETS,
  HTTP_DURATION_BUCKETS,
  STANDARD_LABELS,
  TELEMETRY_METRICS_REGISTRY,
  UNMATCHED_ROUTE,
} from './metrics/metrics.constants';
export { ERROR_LOG_EVENT } from './logging/error-span-event';
export { DROPPED_FIELDS_KEY } from './logging/field-cap';
export { REDACTED, TRUNCATED } from './logging/redaction';
export { routeTemplateOf, type RoutedRequest } from './tracing/route-template';
