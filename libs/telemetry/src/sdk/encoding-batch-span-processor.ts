import { context, createNoopMeter, diag, ROOT_CONTEXT, TraceFlags, type Attributes, type Context, type MeterProvider } from '@opentelemetry/api';
import { BindOnceFuture, ExportResultCode, globalErrorHandler, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { AsyncResource } from 'node:async_hooks';
import type { BatchOptions } from '../interfaces/telemetry-sdk-options.interface';
import { atTurnEnd } from '../turn-end';
import { EncodedSpanBatch } from './encoded-span-batch';

/** Where an encoded batch goes: the OTLP/HTTP transport (OtlpEncodedSpanExporter). @internal */
export interface EncodedSpanBatchExporter {
  export(batch: EncodedSpanBatch, resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

// Ended spans encoded together: few enough that they do not outlive a young-generation collection.
const ENCODE_GROUP = 64;

// OpenTelemetry's self-observability of span processors (semantic conventions), as the SDK's BatchSpanProcessor reports it.
const COMPONENT_TYPE = 'batching_span_processor';
let instances = 0;

/**
 * The BatchSpanProcessor's batching (`maxQueueSize`, `maxExportBatchSize`,
 * `scheduledDelayMillis`, `exportTimeoutMillis`, one export at a time, flush on shutdown)
 * and its self-observability, for spans encoded as they end (EncodedSpanBatch: at the end
 * of the event loop's turn they ended in, or every ENCODE_GROUP spans) instead of kept as
 * objects until their batch leaves: the span and all it holds die young.
 *
 * Exports and their timers run in the async context of the processor's creation, not of
 * the request whose span filled a batch, so nothing a request left in its context
 * outlives it through an export in flight.
 * @internal
 */
export class EncodingBatchSpanProcessor implements SpanProcessor {
  private readonly maxQueueSize: number;
  private readonly maxExportBatchSize: number;
  private readonly scheduledDelayMillis: number;
  private readonly exportTimeoutMillis: number;
  /** Spans ended in this turn of the event loop, encoded together at its end (ENCODE_GROUP at most). */
  private ended: ReadableSpan[] = [];
  private current = new EncodedSpanBatch();
  /** Full batches waiting their turn, oldest first. */
  private readonly full: EncodedSpanBatch[] = [];
  /** An exported batch's buffer, kept for the next one. */
  private spare: EncodedSpanBatch | undefined;
  /** Spans queued, not yet handed to the exporter. */
  private queued = 0;
  private dropped = 0;
  private exporting = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly exportScope = new AsyncResource('nest-telemetry.span-export');
  private readonly metrics: ProcessorMetrics;
  private readonly shutdownOnce: BindOnceFuture<void>;

  constructor(
    private readonly exporter: EncodedSpanBatchExporter,
    options: BatchOptions & { selfObsMeterProvider?: MeterProvider } = {},
  ) {
    this.maxQueueSize = options.maxQueueSize ?? 2048;
    this.maxExportBatchSize = Math.min(options.maxExportBatchSize ?? 512, this.maxQueueSize);
    this.scheduledDelayMillis = options.scheduledDelayMillis ?? 5000;
    this.exportTimeoutMillis = options.exportTimeoutMillis ?? 30000;
    this.metrics = new ProcessorMetrics(options.selfObsMeterProvider, this.maxQueueSize, () => this.queued);
    this.shutdownOnce = new BindOnceFuture(this.shutdownNow, this);
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.shutdownOnce.isCalled || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queued >= this.maxQueueSize) {
      if (this.dropped++ === 0) diag.debug('maxQueueSize reached, dropping spans');
      this.metrics.dropped(1);
      return;
    }
    if (this.dropped > 0) {
      diag.warn(`Dropped ${this.dropped} spans because maxQueueSize reached`);
      this.dropped = 0;
    }
    this.queued++;
    this.ended.push(span);
    if (this.ended.length >= ENCODE_GROUP) this.encodeEnded();
    else if (this.ended.length === 1) atTurnEnd(this.encodeEndedSoon);
  }

  private readonly encodeEndedSoon = (): void => this.encodeEnded();

  /**
   * Encodes the spans ended since the last call, in one loop: the encoder's code and data
   * stay hot, where encoding each span in its own `onEnd` measured slower in the app
   * (`npm run bench:ab`). The spans waited at most one turn of the event loop.
   */
  private encodeEnded(): void {
    const ended = this.ended;
    if (ended.length === 0) return;
    // A new array, not this one emptied: `length = 0` is a store to an accessor, a call
    // into V8's runtime (Runtime_StoreCallbackProperty, 0.15 µs a request in the app's profile).
    this.ended = [];
    for (const span of ended) {
      try {
        this.current.add(span);
      } catch (error) {
        // span.end() is the app's call: a span that cannot be encoded is reported, never thrown anywhere.
        this.queued--;
        globalErrorHandler(error as Error);
        continue;
      }
      if (this.current.count >= this.maxExportBatchSize) this.seal();
    }
    this.maybeExport();
  }

  forceFlush(): Promise<void> {
    if (this.shutdownOnce.isCalled) return this.shutdownOnce.promise;
    return this.flushAll();
  }

  shutdown(): Promise<void> {
    return this.shutdownOnce.call();
  }

  private async shutdownNow(): Promise<void> {
    await this.flushAll();
    this.metrics.shutdown();
    await this.exporter.shutdown();
  }

  /** Every queued span, in as many exports as it takes. */
  private flushAll(): Promise<void> {
    this.encodeEnded();
    this.seal();
    const exports: Promise<void>[] = [];
    while (this.full.length > 0) exports.push(this.exportOne());
    return Promise.all(exports).then(() => undefined);
  }

  /** The current batch joins the full ones (when it has spans). */
  private seal(): void {
    if (this.current.count === 0) return;
    this.full.push(this.current);
    this.current = this.spare ?? new EncodedSpanBatch();
    this.spare = undefined;
  }

  /** As the BatchSpanProcessor: a full batch leaves now, a partial one after the scheduled delay. */
  private maybeExport(): void {
    if (this.exporting) return;
    if (this.full.length > 0) {
      this.exporting = true;
      this.exportScope
        .runInAsyncScope(() => this.exportOne())
        .finally(() => {
          this.exporting = false;
          if (this.queued > 0) {
            this.clearTimer();
            this.maybeExport();
          }
        })
        .catch(globalErrorHandler);
      return;
    }
    if (this.timer !== undefined || this.queued === 0) return;
    this.timer = this.exportScope.runInAsyncScope(() =>
      setTimeout(() => {
        this.timer = undefined;
        this.encodeEnded();
        this.seal();
        this.maybeExport();
      }, this.scheduledDelayMillis),
    );
    this.timer.unref();
  }

  /** Exports the oldest full batch; settles when the exporter answers or the timeout passes. */
  private exportOne(): Promise<void> {
    this.clearTimer();
    const batch = this.full.shift();
    if (batch === undefined) return Promise.resolve();
    this.queued -= batch.count;
    return new Promise<void>((resolve, reject) => {
      // The exporter's own timeout answers first; this one only ends an export that never answers.
      const timeout = setTimeout(() => reject(new Error('Timeout')), this.exportTimeoutMillis).unref();
      let answered = false;
      const done = (result: ExportResult): void => {
        if (answered) return;
        answered = true;
        clearTimeout(timeout);
        this.metrics.finished(batch.count, result.error);
        batch.clear();
        this.spare ??= batch;
        if (result.code === ExportResultCode.SUCCESS) resolve();
        else reject(result.error ?? new Error('EncodingBatchSpanProcessor: span export failed'));
      };
      try {
        // The export's own HTTP request is not traced, and inherits no request's context.
        context.with(suppressTracing(ROOT_CONTEXT), () => this.exporter.export(batch, done));
      } catch (error) {
        // An exporter that throws loses the batch like a failed export, counted as one.
        done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** `otel.sdk.processor.span.*`, with the attributes the SDK's BatchSpanProcessor gives them. */
class ProcessorMetrics {
  private readonly processed;
  private readonly queueSize;
  private readonly standard: Attributes;
  private readonly queueFull: Attributes;
  private readonly observeQueue;

  constructor(meterProvider: MeterProvider | undefined, capacity: number, queued: () => number) {
    const meter = meterProvider?.getMeter('nest-telemetry') ?? createNoopMeter();
    this.standard = { 'otel.component.type': COMPONENT_TYPE, 'otel.component.name': `${COMPONENT_TYPE}/nest-telemetry-${instances++}` };
    this.queueFull = { ...this.standard, 'error.type': 'queue_full' };
    this.processed = meter.createCounter('otel.sdk.processor.span.processed', { unit: '{span}' });
    meter.createUpDownCounter('otel.sdk.processor.span.queue.capacity', { unit: '{span}' }).add(capacity, this.standard);
    this.queueSize = meter.createObservableUpDownCounter('otel.sdk.processor.span.queue.size', { unit: '{span}' });
    this.observeQueue = (result: { observe(value: number, attributes?: Attributes): void }) => result.observe(queued(), this.standard);
    this.queueSize.addCallback(this.observeQueue);
  }

  dropped(count: number): void {
    this.processed.add(count, this.queueFull);
  }

  finished(count: number, error: Error | undefined): void {
    this.processed.add(count, error ? { ...this.standard, 'error.type': error.name } : this.standard);
  }

  shutdown(): void {
    this.queueSize.removeCallback(this.observeQueue);
  }
}
