import {
  createContextKey,
  isSpanContextValid,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { formatTraceparent, parseTraceparent, RANDOM_TRACE_FLAG } from './traceparent';
import { W3CTraceState } from './tracestate';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
/** The flags of the remote parent a trace was continued from: the SDK keeps only `sampled`. */
const REMOTE_PARENT_FLAGS = createContextKey('nest-telemetry.remote-parent-flags');

interface RemoteParentFlags {
  traceId: string;
  traceFlags: number;
}

/**
 * W3C Trace Context (Level 1, with the Level 2 `random` flag), applied to the letter:
 * `traceparent` by §3.2 (see parseTraceparent), `tracestate` by §3.3 (see
 * W3CTraceState.parse: one invalid member, a repeated key or more than 32 members
 * discards the whole header, which is only read alongside a valid `traceparent`). An
 * accepted `tracestate` is forwarded unchanged. Outgoing `traceparent`s carry `random`
 * when the trace id is random: generated here, or received with the flag set.
 * @publicApi
 */
export class StrictTraceContextPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (!spanContext || isTracingSuppressed(context) || !isSpanContextValid(spanContext)) return;
    setter.set(carrier, TRACEPARENT, formatTraceparent(spanContext, spanContext.traceFlags | randomFlagOf(context, spanContext)));
    const state = spanContext.traceState?.serialize();
    if (state) setter.set(carrier, TRACESTATE, state);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const parent = parseTraceparent(getter.get(carrier, TRACEPARENT));
    if (!parent) return context;
    const traceState = W3CTraceState.parse(getter.get(carrier, TRACESTATE));
    const remote: RemoteParentFlags = { traceId: parent.traceId, traceFlags: parent.traceFlags };
    return trace.setSpanContext(context.setValue(REMOTE_PARENT_FLAGS, remote), {
      ...parent,
      isRemote: true,
      ...(traceState && traceState.size > 0 ? { traceState } : {}),
    });
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}

function randomFlagOf(context: Context, spanContext: { traceId: string; isRemote?: boolean }): number {
  // Passed through unchanged: its flags are the received ones already.
  if (spanContext.isRemote) return 0;
  const remote = context.getValue(REMOTE_PARENT_FLAGS) as RemoteParentFlags | undefined;
  // A continued trace is as random as its parent said; one that started here used the SDK's random ids.
  if (remote && remote.traceId === spanContext.traceId) return remote.traceFlags & RANDOM_TRACE_FLAG;
  return RANDOM_TRACE_FLAG;
}
