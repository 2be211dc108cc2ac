import { ExportResultCode, hrTimeToMicroseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** Where the console exporter writes: stderr by default. */
export interface LineStream {
  write(text: string): unknown;
}

/**
 * `traceExporter: 'console'`: each finished span as one JSON line on **stderr**, with the
 * fields of OpenTelemetry's ConsoleSpanExporter. That one prints multi-line objects with
 * `console.dir` on stdout, in the middle of the app's JSON log lines, which a log shipper
 * then cannot parse; here stdout keeps only log lines, and a batch is one write of whole
 * lines, so spans never split a line either.
 * @internal
 */
export class ConsoleJsonSpanExporter implements SpanExporter {
  constructor(private readonly stream: LineStream = process.stderr) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      let text = '';
      for (const span of spans) text += `${JSON.stringify(spanRecord(span))}\n`;
      this.stream.write(text);
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function spanRecord(span: ReadableSpan): Record<string, unknown> {
  const context = span.spanContext();
  return {
    resource: { attributes: span.resource.attributes },
    instrumentationScope: span.instrumentationScope,
    traceId: context.traceId,
    parentSpanContext: span.parentSpanContext,
    traceState: context.traceState?.serialize(),
    name: span.name,
    id: context.spanId,
    kind: span.kind,
    timestamp: hrTimeToMicroseconds(span.startTime),
    duration: hrTimeToMicroseconds(span.duration),
    attributes: span.attributes,
    status: span.status,
    events: span.events,
    links: span.links,
  };
}
