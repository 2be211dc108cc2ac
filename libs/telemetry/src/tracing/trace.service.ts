import { Injectable } from '@nestjs/common';
import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanStatus,
} from '@opentelemetry/api';
import { traceIdOf, untracedRequestStorage } from '../tracking-id/tracking-id';
import { failSpan, runInSpan } from './run-in-span';
import type { TracedOptions } from './span-options.interface';

/**
 * Reads and writes the current trace from business code without touching the
 * OpenTelemetry API: the tracking id to store on a record, manual spans, events,
 * attributes and status.
 * @publicApi
 */
@Injectable()
export class TraceService {
  /**
   * The tracking id of the current request (its trace id, 32 lowercase hex), or
   * undefined outside a request.
   */
  getTrackingId(): string | undefined {
    return traceIdOf(trace.getActiveSpan()) ?? untracedRequestStorage.getStore()?.trackingId;
  }

  /** The active span, if any. */
  getCurrentSpan(): Span | undefined {
    return trace.getActiveSpan();
  }

  /** The active span's id (16 lowercase hex), if any. */
  getSpanId(): string | undefined {
    const spanContext = trace.getActiveSpan()?.spanContext();
    return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.spanId : undefined;
  }

  /**
   * Runs `fn` in a new active span, ended when `fn` (sync, async or Observable) ends;
   * an error sets status ERROR and is rethrown.
   */
  startActiveSpan<T>(name: string, fn: (span: Span) => T, options: Omit<TracedOptions, 'name'> = {}): T {
    return runInSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, fn);
  }

  /** Adds an event to the active span; false when there is no recording span. */
  addEvent(name: string, attributes?: Attributes): boolean {
    return this.withRecordingSpan((span) => span.addEvent(name, attributes));
  }

  /** Sets attributes on the active span; false when there is no recording span. */
  setAttributes(attributes: Attributes): boolean {
    return this.withRecordingSpan((span) => span.setAttributes(attributes));
  }

  /** Sets the status of the active span; false when there is no recording span. */
  setStatus(status: SpanStatus): boolean {
    return this.withRecordingSpan((span) => span.setStatus(status));
  }

  /** Records an error on the active span and sets its status to ERROR. */
  recordError(error: unknown): boolean {
    return this.withRecordingSpan((span) => failSpan(span, error));
  }

  /** Marks the active span OK (a span left UNSET is read as OK by most back ends). */
  setOk(): boolean {
    return this.setStatus({ code: SpanStatusCode.OK });
  }

  private withRecordingSpan(action: (span: Span) => unknown): boolean {
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return false;
    action(span);
    return true;
  }
}
