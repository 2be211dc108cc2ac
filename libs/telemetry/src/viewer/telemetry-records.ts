/** A span as the viewer keeps it: one service's part of a trace. @publicApi */
export interface ViewerSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** `SERVER`, `CLIENT`, `INTERNAL`, `PRODUCER`, `CONSUMER` or `UNSPECIFIED`. */
  kind: string;
  service: string;
  /** Nanoseconds since the epoch, as decimal strings (beyond a double's precision). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Milliseconds since the epoch, for display and sorting. */
  startMs: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage: string | undefined;
  attributes: Record<string, unknown>;
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
  scope: string;
}

/** A log record as the viewer keeps it. @publicApi */
export interface ViewerLogRecord {
  timeMs: number;
  service: string;
  severity: string;
  body: string;
  traceId: string | undefined;
  spanId: string | undefined;
  attributes: Record<string, unknown>;
}

export const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
export const STATUS_CODES = ['unset', 'ok', 'error'] as const;
