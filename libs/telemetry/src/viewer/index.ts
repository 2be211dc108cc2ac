// The `nest-telemetry/viewer` entry: no Nest, no SDK, just the viewer.
export { startTelemetryViewer, type TelemetryViewer } from './telemetry-viewer';
export { TelemetryViewerDisabledError, type TelemetryViewerOptions } from './viewer-options';
export { MalformedOtlpError, UnsupportedContentTypeError } from './otlp-payload';
export { OTLP_PROTO } from './otlp.proto';
export type { ViewerLogRecord, ViewerSpan } from './telemetry-records';
export type { RedRow, TraceFilter, TraceSummary } from './trace-queries';
export type { TraceStoreLimits, TraceStoreStats } from './trace-store';
