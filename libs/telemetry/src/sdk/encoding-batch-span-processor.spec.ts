import { context, createContextKey, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, isTracingSuppressed, setGlobalErrorHandler, loggingErrorHandler, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { variedSpans } from '@test/finished-spans';
import { EncodedSpanBatchSerializer, type EncodedSpanBatch } from './encoded-span-batch';
import { EncodingBatchSpanProcessor, type EncodedSpanBatchExporter } from './encoding-batch-span-processor';
import { SpanExportMonitor } from './span-export-monitor';

/** Records each export as the bytes the OTLP transport would send, answered by `answer`. */
class RecordingExporter implements EncodedSpanBatchExporter {
  readonly requests: Buffer[] = [];
  readonly contexts: { suppressed: boolean; requestValue: unknown }[] = [];
  shutdowns = 0;
  private readonly serializer = new EncodedSpanBatchSerializer();

  constructor(private readonly answer: (done: (result: ExportResult) => void) => void = (done) => done({ code: ExportResultCode.SUCCESS })) {}

  export(batch: EncodedSpanBatch, done: (result: ExportResult) => void): void {
    this.requests.push(Buffer.from(this.serializer.serializeRequest(batch)));
    this.contexts.push({ suppressed: isTracingSuppressed(context.active()), requestValue: context.active().getValue(REQUEST_KEY) });
    this.answer(done);
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}

const REQUEST_KEY = createContextKey('a request value');
/** The end of the event loop's turn, where the spans ended in it are encoded. */
const turn = () => new Promise((resolve) => setImmediate(resolve));
const expected = (spans: readonly ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest([...spans])!);

function setUp(exporter: EncodedSpanBatchExporter, options: { maxQueueSize?: number; maxExportBatchSize?: number; scheduledDelayMillis?: number; exportTimeoutMillis?: number } = {}) {
  const monitor = new SpanExportMonitor('test', 60_000);
  const processor = new EncodingBatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000, ...options, selfObsMeterProvider: monitor.meterProvider });
  return { monitor, processor };
}

describe('EncodingBatchSpanProcessor', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    context.disable();
    setGlobalErrorHandler(loggingErrorHandler());
  });

  it('should export a batch once it is full, at the end of the turn its spans ended in, with the bytes of its spans, and count it', async () => {
    const exporter = new RecordingExporter();
    const { processor, monitor } = setUp(exporter, { maxExportBatchSize: 3 });
    const spans = variedSpans().filter((span) => span.spanContext().traceFlags & TraceFlags.SAMPLED);
    expect(spans.length).toBeGreaterThanOrEqual(3);
    for (const span of spans.slice(0, 2)) processor.onEnd(span);
    await turn();
    expect(exporter.requests).toHaveLength(0);
    expect(monitor.stats()).toMatchObject({ queued: 2, queueCapacity: 2048 });
    processor.onEnd(spans[2]);
    expect(exporter.requests).toHaveLength(0);
    await turn();
    expect(exporter.requests).toEqual([expected(spans.slice(0, 3))]);
    await processor.forceFlush();
    expect(monitor.stats()).toMatchObject({ queued: 0, exported: 3, failed: 0, dropped: 0 });
  });

  it('should encode a group of 64 ended spans at once, without waiting for the end of the turn', () => {
    const exporter = new RecordingExporter();
    const { processor, monitor } = setUp(exporter, { maxExportBatchSize: 64 });
    const spans = collectSampled(65);
    for (const span of spans.slice(0, 63)) processor.onEnd(span);
    expect(exporter.requests).toHaveLength(0);
    processor.onEnd(spans[63]);
    expect(exporter.requests).toEqual([expected(spans.slice(0, 64))]);
    processor.onEnd(spans[64]);
    expect(monitor.stats().queued).toBe(1);
  });

  it('should leave unsampled spans out', async () => {
    const exporter = new RecordingExporter();
    const { processor, monitor } = setUp(exporter);
    const [first, second] = variedSpans();
    // A recording span whose trace flags say "not sampled" (a sampler's RECORD decision).
    const unsampled = Object.create(second, { spanContext: { value: () => ({ ...second.spanContext(), traceFlags: TraceFlags.NONE }) } }) as ReadableSpan;
    processor.onEnd(first);
    processor.onEnd(unsampled);
    expect(monitor.stats().queued).toBe(1);
    await processor.forceFlush();
    expect(exporter.requests).toEqual([expected([first])]);
  });

  it('should export a partial batch after the scheduled delay', async () => {
    const exporter = new RecordingExporter();
    const { processor } = setUp(exporter, { scheduledDelayMillis: 20 });
    const [span] = variedSpans();
    processor.onEnd(span);
    expect(exporter.requests).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(exporter.requests).toEqual([expected([span])]);
  });

  it("should export with tracing suppressed and outside the context of the request whose span ended", async () => {
    const exporter = new RecordingExporter();
    const { processor } = setUp(exporter, { maxExportBatchSize: 1 });
    const [span] = variedSpans();
    context.with(ROOT_CONTEXT.setValue(REQUEST_KEY, 'request 1'), () => processor.onEnd(span));
    await turn();
    expect(exporter.contexts).toEqual([{ suppressed: true, requestValue: undefined }]);
  });

  it('should drop spans once the queue is full while an export hangs, and count every one', async () => {
    const hung = new RecordingExporter(() => undefined);
    const { processor, monitor } = setUp(hung, { maxQueueSize: 2, maxExportBatchSize: 2, exportTimeoutMillis: 50 });
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('test');
    for (let index = 0; index < 2; index++) tracer.startSpan(`s${index}`).end();
    await turn();
    // The first batch is in flight; the next two spans fill the queue, the last three drop.
    for (let index = 2; index < 7; index++) tracer.startSpan(`s${index}`).end();
    expect(hung.requests).toHaveLength(1);
    expect(monitor.stats()).toMatchObject({ queued: 2, dropped: 3, exported: 0 });
    const errors: unknown[] = [];
    setGlobalErrorHandler((error) => errors.push(error));
    await new Promise((resolve) => setTimeout(resolve, 120)); // the hung export times out
    expect(errors.map(String)).toContain('Error: Timeout');
  });

  it('should flush the batches waiting behind an export in flight, and the partial one, all at once', async () => {
    const answers: ((result: ExportResult) => void)[] = [];
    const manual = new RecordingExporter((done) => answers.push(done));
    const { processor, monitor } = setUp(manual, { maxExportBatchSize: 2 });
    const spans = collectSampled(7);
    for (const span of spans) processor.onEnd(span);
    await turn();
    // The first batch is in flight; two full batches and one span wait.
    expect(manual.requests).toHaveLength(1);
    expect(monitor.stats().queued).toBe(5);
    const flushed = processor.forceFlush();
    expect(manual.requests).toEqual([expected(spans.slice(0, 2)), expected(spans.slice(2, 4)), expected(spans.slice(4, 6)), expected(spans.slice(6))]);
    for (const answer of answers) answer({ code: ExportResultCode.SUCCESS });
    await flushed;
    expect(monitor.stats()).toMatchObject({ queued: 0, exported: 7 });
  });

  it("should let a span be collected once it ended, while its batch waits (the SDK's BatchSpanProcessor holds it)", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    /** Whether the span of a request ended into `processor` is still alive after a full GC, its batch not sent yet. */
    const survives = async (processor: SpanProcessor): Promise<boolean> => {
      const provider = new TracerProvider({ spanProcessors: [processor] });
      const ref = (() => {
        const span = provider.getTracer('test').startSpan('GET /items/:id', { attributes: { 'url.path': '/items/1' } });
        span.end();
        return new WeakRef(span);
      })();
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      const alive = ref.deref() !== undefined;
      await provider.shutdown();
      return alive;
    };
    const waiting = { scheduledDelayMillis: 60_000, maxExportBatchSize: 512 };
    expect(await survives(new BatchSpanProcessor({ exporter: new InMemorySpanExporter(), ...waiting }))).toBe(true);
    const exporter = new RecordingExporter();
    expect(await survives(new EncodingBatchSpanProcessor(exporter, waiting))).toBe(false);
    // It was exported all the same, at shutdown.
    expect(exporter.requests).toHaveLength(1);
  });

  it('should count the spans of a failed export, report the error, and reject a flush', async () => {
    const refused = new RecordingExporter((done) => done({ code: ExportResultCode.FAILED, error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' }) }));
    const { processor, monitor } = setUp(refused);
    for (const span of variedSpans().slice(0, 3)) processor.onEnd(span);
    await expect(processor.forceFlush()).rejects.toThrow('ECONNREFUSED');
    expect(monitor.stats()).toMatchObject({ failed: 3, exported: 0, queued: 0 });
  });

  it('should count the batch of an exporter that throws as failed, and export the next batch', async () => {
    let calls = 0;
    const throwing = new RecordingExporter((done) => {
      if (++calls === 1) throw new Error('serializer broke');
      done({ code: ExportResultCode.SUCCESS });
    });
    const { processor, monitor } = setUp(throwing, { maxExportBatchSize: 2 });
    const spans = collectSampled(4);
    const errors: unknown[] = [];
    setGlobalErrorHandler((error) => errors.push(error));
    for (const span of spans) processor.onEnd(span);
    await processor.forceFlush();
    // The failed export in the background is reported once its promise chain settles.
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.map(String)).toEqual(['Error: serializer broke']);
    expect(monitor.stats()).toMatchObject({ failed: 2, exported: 2, queued: 0 });
  });

  it('should report a span it cannot encode instead of throwing into span.end(), and export the others', async () => {
    const exporter = new RecordingExporter();
    const { processor } = setUp(exporter);
    const [good, other] = variedSpans();
    const broken = Object.create(other, { attributes: { get: () => ({ get bad(): string { throw new Error('unreadable attribute'); } }) } }) as ReadableSpan;
    const errors: unknown[] = [];
    setGlobalErrorHandler((error) => errors.push(error));
    processor.onEnd(good);
    expect(() => processor.onEnd(broken)).not.toThrow();
    processor.onEnd(other);
    await processor.forceFlush();
    expect(errors.map(String)).toEqual(['Error: unreadable attribute']);
    expect(exporter.requests).toEqual([expected([good, other])]);
  });

  it('should flush every queued span on shutdown, in batches, shut its exporter down, and take no span after', async () => {
    const exporter = new RecordingExporter();
    const { processor, monitor } = setUp(exporter, { maxExportBatchSize: 4 });
    const spans = collectSampled(10);
    // Two full batches left at once (the second waits for the first); two spans wait for the delay.
    for (const span of spans) processor.onEnd(span);
    await processor.shutdown();
    expect(exporter.requests).toEqual([expected(spans.slice(0, 4)), expected(spans.slice(4, 8)), expected(spans.slice(8))]);
    expect(exporter.shutdowns).toBe(1);
    expect(monitor.stats()).toMatchObject({ exported: 10, queued: 0 });
    processor.onEnd(spans[0]);
    await processor.forceFlush();
    expect(exporter.requests).toHaveLength(3);
  });
});

function collectSampled(count: number): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const provider = new TracerProvider({ spanProcessors: [{ onStart: () => undefined, onEnd: (span) => ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }] });
  const tracer = provider.getTracer('test');
  for (let index = 0; index < count; index++) tracer.startSpan(`GET /items/${index}`, { attributes: { index } }, trace.setSpanContext(ROOT_CONTEXT, { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: TraceFlags.SAMPLED })).end();
  return ended;
}
