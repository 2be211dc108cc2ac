import { createNoopMeter, metrics } from '@opentelemetry/api';
import { InMemorySpanExporter, BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { SpanExportMonitor } from './span-export-monitor';

/** An exporter that fails every export, as one pointed at a collector that is down would. */
class RefusedExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: ExportResultCode; error?: Error }) => void): void {
    done({ code: ExportResultCode.FAILED, error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' }) });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function tracerWith(exporter: SpanExporter, monitor: SpanExportMonitor, maxQueueSize = 4, exportTimeoutMillis = 30_000) {
  const processor = new BatchSpanProcessor({
    exporter,
    maxQueueSize,
    maxExportBatchSize: maxQueueSize,
    scheduledDelayMillis: 60_000,
    exportTimeoutMillis,
    selfObsMeterProvider: monitor.meterProvider,
  });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  return { tracer: provider.getTracer('test'), processor };
}

describe('SpanExportMonitor', () => {
  it('counts exported spans, the queue, and spans dropped on a full queue', async () => {
    const monitor = new SpanExportMonitor('memory', 60_000);
    const exporter = new InMemorySpanExporter();
    const { tracer, processor } = tracerWith(exporter, monitor, 4);
    for (let i = 0; i < 3; i++) tracer.startSpan(`s${i}`).end();
    expect(monitor.stats()).toMatchObject({ queued: 3, queueCapacity: 4, exported: 0, dropped: 0 });
    await processor.forceFlush();
    expect(monitor.stats()).toMatchObject({ queued: 0, exported: 3, failed: 0 });
    expect(exporter.getFinishedSpans()).toHaveLength(3);
  });

  it("counts only the spans of the processor it is given to: OpenTelemetry's shared no-op meter stays a no-op", async () => {
    const noopCounter = createNoopMeter().createCounter('probe');
    const monitor = new SpanExportMonitor('memory', 60_000);
    // A processor of the app's own, without a meter provider, and a library reading the global (no-op) meter.
    const own = new BatchSpanProcessor({ exporter: new InMemorySpanExporter(), maxQueueSize: 8, scheduledDelayMillis: 60_000 });
    const ownTracer = new TracerProvider({ spanProcessors: [own] }).getTracer('own');
    for (let i = 0; i < 3; i++) ownTracer.startSpan(`own${i}`).end();
    await own.forceFlush();
    metrics.getMeter('another-library').createCounter('otel.sdk.processor.span.processed').add(5);
    expect(createNoopMeter().createCounter('probe')).toBe(noopCounter);
    expect(monitor.stats()).toMatchObject({ exported: 0, failed: 0, dropped: 0, queued: 0, queueCapacity: 0 });
    // The monitor's own processor is still counted.
    const { tracer, processor } = tracerWith(new InMemorySpanExporter(), monitor, 4);
    tracer.startSpan('counted').end();
    await processor.forceFlush();
    expect(monitor.stats()).toMatchObject({ exported: 1, queueCapacity: 4 });
  });

  it('counts spans of failed exports and drops once the queue is full', async () => {
    const monitor = new SpanExportMonitor('http://127.0.0.1:4318/v1/traces', 60_000);
    // An export that never completes holds its batch: the next spans fill the queue, then drop.
    const hung: SpanExporter = { export: () => undefined, shutdown: () => Promise.resolve() };
    const { tracer } = tracerWith(hung, monitor, 2, 50);
    for (let i = 0; i < 7; i++) tracer.startSpan(`s${i}`).end();
    expect(monitor.stats()).toMatchObject({ queued: 2, dropped: 3, exported: 0 });
    await new Promise((resolve) => setTimeout(resolve, 120)); // the hung export times out

    const refusing = new SpanExportMonitor('x', 60_000);
    const failing = tracerWith(new RefusedExporter(), refusing, 4);
    for (let i = 0; i < 3; i++) failing.tracer.startSpan(`s${i}`).end();
    await expect(failing.processor.forceFlush()).rejects.toThrow('ECONNREFUSED');
    expect(refusing.stats()).toMatchObject({ failed: 3, exported: 0 });
  });

  it('logs failures at most once per interval, with the count it held back, and the recovery once', () => {
    let now = 0;
    const monitor = new SpanExportMonitor('http://collector:4318/v1/traces', 60_000, () => now);
    const lines: string[] = [];
    monitor.setLogger({ warn: (message) => lines.push(`warn ${message}`), log: (message) => lines.push(`log ${message}`) });
    const error = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (let second = 0; second < 150; second++) {
      now = second * 1000;
      monitor.reportError(error);
    }
    expect(lines).toHaveLength(3); // at 0 s, 60 s and 120 s
    expect(lines[0]).toMatch(/^warn span export to http:\/\/collector:4318\/v1\/traces failed: connect ECONNREFUSED;/);
    expect(lines[1]).toContain('(59 more errors in the last 60 s not logged)');
    monitor.meterProvider.getMeter('x').createCounter('otel.sdk.processor.span.processed').add(5);
    monitor.meterProvider.getMeter('x').createCounter('otel.sdk.processor.span.processed').add(5);
    expect(lines.slice(3)).toEqual(['log span export to http://collector:4318/v1/traces works again']);
  });
});
