import type { MeterProvider } from '@opentelemetry/api';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base/node-http';
import { TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { OtlpTraceEncoder } from './otlp-trace-encoder';

// The exporter's self-observability component type, as the OTLP/HTTP span exporter names itself.
const COMPONENT_TYPE = 'otlp_http_span_exporter';

/**
 * OTLP/HTTP protobuf span export: `@opentelemetry/exporter-trace-otlp-proto`'s
 * OTLPTraceExporter, built the way it builds itself (the same HTTP transport, retries,
 * `OTEL_EXPORTER_OTLP_*` variables, compression, timeouts and concurrency limit), with
 * the library's OtlpTraceEncoder in place of its serializer: the same bytes, in about a
 * third of the CPU per span (`npm run bench:otlp-encoder`).
 * @internal
 */
export class OtlpProtobufTraceExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(config: OTLPExporterNodeConfigBase & { selfObsMeterProvider?: MeterProvider } = {}) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
        new OtlpTraceEncoder(),
        COMPONENT_TYPE,
        TraceExporterMetricsHelper,
        config.selfObsMeterProvider,
      ),
    );
  }
}
