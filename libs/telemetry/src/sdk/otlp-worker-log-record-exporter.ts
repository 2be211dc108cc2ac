import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { OtlpExportThread } from './otlp-export-thread';

/**
 * OTLP/HTTP protobuf export of log records (`logsExporter: 'otlp'`), sent from the export
 * thread the span exporter uses (OtlpExportThread): the records are framed here by
 * OpenTelemetry's own serializer, as `@opentelemetry/exporter-logs-otlp-proto` frames them.
 * @internal
 */
export class OtlpWorkerLogRecordExporter implements LogRecordExporter {
  private shutdownOnce: Promise<void> | undefined;

  constructor(
    private readonly config: { url?: string },
    readonly thread = new OtlpExportThread(),
  ) {
    thread.acquire();
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const bytes = ProtobufLogsSerializer.serializeRequest(logs);
    if (bytes === undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('OtlpWorkerLogRecordExporter: the log records could not be serialized') });
      return;
    }
    this.thread.send('logs', this.config.url, { bytes, count: logs.length }, resultCallback);
  }

  shutdown(): Promise<void> {
    this.shutdownOnce ??= this.thread.release();
    return this.shutdownOnce;
  }

  /** Nothing is buffered here: the batch processor waits for each export's answer. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
