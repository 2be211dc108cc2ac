import type { Attributes, SpanKind } from '@opentelemetry/api';

/** Options of `@Traced()` and `TraceService.startActiveSpan()`. @publicApi */
export interface TracedOptions {
  /**
   * Span name.
   * @default `${ClassName}.${methodName}` for `@Traced()`
   */
  name?: string;
  /**
   * Span kind: INTERNAL, SERVER, CLIENT, PRODUCER or CONSUMER.
   * @default SpanKind.INTERNAL
   */
  kind?: SpanKind;
  /**
   * Static attributes set when the span starts.
   * @default {}
   */
  attributes?: Attributes;
}
