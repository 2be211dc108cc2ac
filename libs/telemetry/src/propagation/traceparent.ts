import { TraceFlags, type SpanContext } from '@opentelemetry/api';

/** The Level 2 `random` flag: the trace id's rightmost 7 bytes are random. */
export const RANDOM_TRACE_FLAG = 0x02;
/** Flags this implementation knows: sampled (Level 1) and random (Level 2). Others go out as 0. */
const KNOWN_FLAGS = TraceFlags.SAMPLED | RANDOM_TRACE_FLAG;
const HEX_FIELDS = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
/** `00-<32 hex>-<16 hex>-<2 hex>` */
const VERSION_00_LENGTH = 55;

/** The fields of a valid `traceparent`. @internal */
export interface ParsedTraceparent {
  traceId: string;
  spanId: string;
  /** Only the flags this version knows (sampled, random). */
  traceFlags: number;
}

/**
 * Parses a `traceparent` header by W3C Trace Context §3.2: lowercase hex only; version
 * `ff` is invalid; version `00` is exactly 55 characters; a higher version is read as
 * `00` when its 55 characters are followed by the end or a `-`; an all-zero trace id or
 * parent id is invalid; unknown flags are dropped. Several headers are invalid.
 * @internal
 */
export function parseTraceparent(header: string | readonly string[] | undefined): ParsedTraceparent | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') return header.length === 1 ? parseTraceparent(header[0]) : undefined;
  const match = HEX_FIELDS.exec(header);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match;
  if (version === 'ff' || traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
  if (version === '00' ? header.length !== VERSION_00_LENGTH : header.length > VERSION_00_LENGTH && header[VERSION_00_LENGTH] !== '-') {
    return undefined;
  }
  return { traceId, spanId, traceFlags: parseInt(flags, 16) & KNOWN_FLAGS };
}

/** `00-{trace-id}-{parent-id}-{flags}`, with only the flags this version knows. @internal */
export function formatTraceparent(spanContext: Pick<SpanContext, 'traceId' | 'spanId'>, traceFlags: number): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-0${(traceFlags & KNOWN_FLAGS).toString(16)}`;
}
