import type { IExportTraceServiceResponse, ISerializer } from '@opentelemetry/otlp-transformer';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ProtobufWriter } from './otlp-protobuf-writer';
import { writeExportRequest, writeSpan, type Resource, type Scope } from './otlp-trace-encoder';

/**
 * Spans encoded to OTLP protobuf as they end, waiting for export as bytes. A span
 * kept as an object until its batch is sent outlives young-generation collections when the
 * export is slow or the queue is long, and is copied, then promoted to the old generation
 * with everything it holds (its attributes, its context, often its request): under load
 * that cost more CPU than the encoding itself (BENCHMARKS.md). Bytes cost the collector
 * nothing to keep. Each (resource, scope) group keeps the byte ranges of its spans; the
 * spans of one group that end one after another share one range.
 * @internal
 */
export class EncodedSpanBatch {
  private readonly writer = new ProtobufWriter();
  private readonly groups = new Map<Resource, Map<Scope, number[]>>();
  /** Spans in the batch. */
  count = 0;

  /** Encodes a span into the batch; a span that cannot be encoded leaves nothing behind (its bytes are taken back). */
  add(span: ReadableSpan): void {
    const writer = this.writer;
    const start = writer.pos;
    try {
      writeSpan(writer, span);
    } catch (error) {
      writer.pos = start;
      throw error;
    }
    const ranges = this.rangesOf(span.resource, span.instrumentationScope);
    // Right after the previous span of the same group (nothing else was written since): its range grows.
    if (ranges[ranges.length - 1] === start) ranges[ranges.length - 1] = writer.pos;
    else ranges.push(start, writer.pos);
    this.count++;
  }

  /** The batch as one `ExportTraceServiceRequest`, written by `writer`. */
  writeRequest(writer: ProtobufWriter): void {
    const encoded = this.writer.buffer;
    writeExportRequest(writer, this.groups, (out, ranges) => {
      for (let index = 0; index < ranges.length; index += 2) out.raw(encoded, ranges[index], ranges[index + 1]);
    });
  }

  /** Empties the batch for reuse, keeping its buffer. */
  clear(): void {
    this.writer.pos = 0;
    this.groups.clear();
    this.count = 0;
  }

  private rangesOf(resource: Resource, scope: Scope): number[] {
    let scopes = this.groups.get(resource);
    if (scopes === undefined) this.groups.set(resource, (scopes = new Map()));
    let ranges = scopes.get(scope);
    if (ranges === undefined) scopes.set(scope, (ranges = []));
    return ranges;
  }
}

/**
 * The OTLP/HTTP delegate's serializer for encoded batches: the spans' bytes framed as one
 * `ExportTraceServiceRequest`. Responses are decoded by OpenTelemetry's own serializer.
 * @internal
 */
export class EncodedSpanBatchSerializer implements ISerializer<EncodedSpanBatch, IExportTraceServiceResponse> {
  private readonly writer = new ProtobufWriter();

  serializeRequest(batch: EncodedSpanBatch): Uint8Array {
    batch.writeRequest(this.writer);
    return this.writer.finish();
  }

  deserializeResponse(data: Uint8Array): IExportTraceServiceResponse {
    return ProtobufTraceSerializer.deserializeResponse(data);
  }
}
