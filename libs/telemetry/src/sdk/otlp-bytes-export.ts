import type { ExportResult } from '@opentelemetry/core';
import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufLogsSerializer, ProtobufTraceSerializer, type ISerializer } from '@opentelemetry/otlp-transformer';

/** The OTLP signals the library exports over HTTP protobuf. @internal */
export type OtlpSignal = 'traces' | 'logs';

/** An OTLP export request already framed as protobuf, and the items (spans, log records) it carries. @internal */
export interface EncodedExport {
  bytes: Uint8Array;
  count: number;
}

// The exporter's self-observability component type, as the OTLP/HTTP span exporter names itself.
export const OTLP_HTTP_SPAN_EXPORTER = 'otlp_http_span_exporter';

/** What OpenTelemetry's own OTLP/HTTP protobuf exporter of each signal sets its transport up with. */
const SIGNALS = {
  traces: { identifier: 'TRACES', path: 'v1/traces', componentType: OTLP_HTTP_SPAN_EXPORTER, item: 'span', responses: ProtobufTraceSerializer },
  logs: { identifier: 'LOGS', path: 'v1/logs', componentType: 'otlp_http_log_exporter', item: 'log', responses: ProtobufLogsSerializer },
} as const;

/**
 * The transport settings OpenTelemetry's OTLP/HTTP protobuf exporter of `signal` starts
 * from: `config`, then the `OTEL_EXPORTER_OTLP_*` variables, then the defaults.
 * @internal
 */
export function otlpHttpOptions(signal: OtlpSignal, config: OTLPExporterNodeConfigBase) {
  const { identifier, path } = SIGNALS[signal];
  return convertLegacyHttpOptions(config, identifier, path, { 'Content-Type': 'application/x-protobuf' });
}

/**
 * The OTLP/HTTP transport that `@opentelemetry/exporter-trace-otlp-proto` and
 * `exporter-logs-otlp-proto` build for themselves (their retries, `OTEL_EXPORTER_OTLP_*`
 * variables, compression, timeout and concurrency limit), for requests framed beforehand:
 * what the export thread sends, and the main thread when the thread is gone.
 * @internal
 */
function createBytesExportDelegate(signal: OtlpSignal, config: Pick<OTLPExporterNodeConfigBase, 'url'>): IOtlpExportDelegate<EncodedExport> {
  const { componentType, item, responses } = SIGNALS[signal];
  // The request's bytes as they are; responses decoded by OpenTelemetry's own serializer (partial success).
  const framedBytes: ISerializer<EncodedExport, unknown> = {
    serializeRequest: (encoded) => encoded.bytes,
    deserializeResponse: (data) => responses.deserializeResponse(data),
  };
  return createOtlpHttpExportDelegate(
    otlpHttpOptions(signal, config),
    framedBytes,
    componentType,
    { name: item, countItems: (encoded) => encoded.count },
    // Its self-observability is OpenTelemetry's no-op, as for the exporters built without a meter provider.
    undefined,
  );
}

/**
 * One transport per signal and URL (undefined: the `OTEL_EXPORTER_OTLP_*` endpoint), made
 * with its first export: the export thread's, and the main thread's once it takes over.
 * @internal
 */
export class BytesExportDelegates {
  private readonly delegates = new Map<string, IOtlpExportDelegate<EncodedExport>>();

  export(signal: OtlpSignal, url: string | undefined, encoded: EncodedExport, done: (result: ExportResult) => void): void {
    const key = `${signal} ${url ?? ''}`;
    let delegate = this.delegates.get(key);
    if (delegate === undefined) this.delegates.set(key, (delegate = createBytesExportDelegate(signal, url === undefined ? {} : { url })));
    delegate.export(encoded, done);
  }

  /** Every transport shut down, its exports in flight answered first. */
  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.delegates.values()].map((delegate) => delegate.shutdown()));
  }
}
