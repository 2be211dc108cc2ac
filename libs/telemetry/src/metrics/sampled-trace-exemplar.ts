import { trace, TraceFlags } from '@opentelemetry/api';

/**
 * The `trace_id` exemplar of an observation made inside a sampled span, linking the
 * metric to a trace that exists; undefined otherwise.
 * @internal
 */
export function sampledTraceExemplar(): Record<string, string> | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || (spanContext.traceFlags & TraceFlags.SAMPLED) !== TraceFlags.SAMPLED) return undefined;
  return { trace_id: spanContext.traceId };
}
