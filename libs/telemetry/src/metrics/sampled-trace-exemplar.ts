import { trace, TraceFlags, type SpanContext } from '@opentelemetry/api';

/**
 * The `trace_id` exemplar of an observation made in a sampled span (the active one by
 * default), linking the metric to a trace that exists; undefined otherwise.
 * @internal
 */
export function traceExemplarOf(spanContext: SpanContext | undefined = trace.getActiveSpan()?.spanContext()): Record<string, string> | undefined {
  if (!spanContext || (spanContext.traceFlags & TraceFlags.SAMPLED) !== TraceFlags.SAMPLED) return undefined;
  return { trace_id: spanContext.traceId };
}
