import type { MeterProvider } from '@opentelemetry/api';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { createOtlpHttpExportDelegate, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base/node-http';
import { TraceExporterMetricsHelper, type IExportTraceServiceResponse, type IExporterMetricsHelper, type ISerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { EncodedSpanBatchSerializer, type EncodedSpanBatch } from './encoded-span-batch';
import { OTLP_HTTP_SPAN_EXPORTER, otlpHttpOptions } from './otlp-bytes-export';
import { OtlpTraceEncoder } from './otlp-trace-encoder';

type ExporterConfig = OTLPExporterNodeConfigBase & { selfObsMeterProvider?: MeterProvider };

/**
 * The OTLP/HTTP transport `@opentelemetry/exporter-trace-otlp-proto` builds for itself (the
 * same retries, `OTEL_EXPORTER_OTLP_*` variables, compression, timeouts and concurrency
 * limit), around a serializer of the library's.
 */
function otlpHttpDelegate<T>(config: ExporterConfig, serializer: ISerializer<T, IExportTraceServiceResponse>, metricsHelper: IExporterMetricsHelper<T>) {
  return createOtlpHttpExportDelegate(
    otlpHttpOptions('traces', config),
    serializer,
    OTLP_HTTP_SPAN_EXPORTER,
    metricsHelper,
    config.selfObsMeterProvider,
  );
}

/**
 * OTLP/HTTP protobuf span export of finished spans: the peer's OTLPTraceExporter with the
 * library's OtlpTraceEncoder in place of its serializer: the same bytes, in about a third
 * of the CPU per span (`npm run bench:otlp-encoder`). For exports one span at a time
 * (`batch: false`); batches go through OtlpEncodedSpanExporter.
 * @internal
 */
export class OtlpProtobufTraceExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(config: ExporterConfig = {}) {
    super(otlpHttpDelegate(config, new OtlpTraceEncoder(), TraceExporterMetricsHelper));
  }
}

/**
 * OTLP/HTTP protobuf export of spans the EncodingBatchSpanProcessor encoded as they ended.
 * @internal
 */
export class OtlpEncodedSpanExporter extends OTLPExporterBase<EncodedSpanBatch> {
  constructor(config: ExporterConfig = {}) {
    super(otlpHttpDelegate(config, new EncodedSpanBatchSerializer(), { name: 'span', countItems: (batch) => batch.count }));
  }
}
