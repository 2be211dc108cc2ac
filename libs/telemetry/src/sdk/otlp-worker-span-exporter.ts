import type { ExportResult } from '@opentelemetry/core';
import { EncodedSpanBatchSerializer, type EncodedSpanBatch } from './encoded-span-batch';
import type { EncodedSpanBatchExporter } from './encoding-batch-span-processor';
import { OtlpExportThread } from './otlp-export-thread';

/**
 * OTLP/HTTP protobuf export of the batches EncodingBatchSpanProcessor encoded, sent from
 * the export thread (OtlpExportThread). Each batch is framed here, as OtlpEncodedSpanExporter
 * frames it, and a copy of its bytes goes to the thread.
 * @internal
 */
export class OtlpWorkerSpanExporter implements EncodedSpanBatchExporter {
  private readonly serializer = new EncodedSpanBatchSerializer();
  private shutdownOnce: Promise<void> | undefined;

  constructor(
    private readonly config: { url?: string },
    readonly thread = new OtlpExportThread(),
  ) {
    thread.acquire();
  }

  export(batch: EncodedSpanBatch, resultCallback: (result: ExportResult) => void): void {
    // Framed now, since the processor reuses the batch once answered; copied, since the serializer reuses its buffer.
    const bytes = this.serializer.serializeRequest(batch).slice();
    this.thread.send('traces', this.config.url, { bytes, count: batch.count }, resultCallback);
  }

  shutdown(): Promise<void> {
    this.shutdownOnce ??= this.thread.release();
    return this.shutdownOnce;
  }
}
