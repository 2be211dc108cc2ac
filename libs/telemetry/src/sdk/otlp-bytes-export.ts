import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufTraceSerializer, type IExportTraceServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';

/** An `ExportTraceServiceRequest` already framed as protobuf, and the spans it carries. @internal */
export interface EncodedExport {
  bytes: Uint8Array;
  count: number;
}

// The exporter's self-observability component type, as the OTLP/HTTP span exporter names itself.
export const OTLP_HTTP_SPAN_EXPORTER = 'otlp_http_span_exporter';

/** The request's bytes as they are; responses decoded by OpenTelemetry's own serializer (partial success). */
const framedBytes: ISerializer<EncodedExport, IExportTraceServiceResponse> = {
  serializeRequest: (encoded) => encoded.bytes,
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/**
 * The OTLP/HTTP transport `@opentelemetry/exporter-trace-otlp-proto` builds for itself (its
 * retries, `OTEL_EXPORTER_OTLP_*` variables, compression, timeout and concurrency limit),
 * for requests framed beforehand: what the export worker sends, and the main thread when
 * the worker is gone.
 * @internal
 */
export function createBytesExportDelegate(config: Pick<OTLPExporterNodeConfigBase, 'url'>): IOtlpExportDelegate<EncodedExport> {
  return createOtlpHttpExportDelegate(
    convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
    framedBytes,
    OTLP_HTTP_SPAN_EXPORTER,
    { name: 'span', countItems: (encoded) => encoded.count },
    // Its self-observability is OpenTelemetry's no-op, as for the exporters built without a meter provider.
    undefined,
  );
}
