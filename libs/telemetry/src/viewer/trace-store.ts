import type { ViewerSpan } from './telemetry-records';

/** Limits of the trace store. @publicApi */
export interface TraceStoreLimits {
  /** Traces kept; the oldest is evicted first. */
  maxTraces: number;
  /** Spans kept over all traces; the oldest traces are evicted to stay under it. */
  maxSpans: number;
}

/** What the store holds and what it let go. @publicApi */
export interface TraceStoreStats {
  traces: number;
  spans: number;
  evictedTraces: number;
  /** Spans refused because their trace alone would exceed `maxSpans`. */
  droppedSpans: number;
}

/**
 * Recent traces in memory, bounded by trace and span count: a trace is evicted whole,
 * oldest first (by first span received), so what is shown is always complete.
 * @internal
 */
export class TraceStore {
  private readonly traces = new Map<string, { spans: ViewerSpan[]; spanIds: Set<string> }>();
  private spanCount = 0;
  private evictedTraces = 0;
  private droppedSpans = 0;

  constructor(private readonly limits: TraceStoreLimits) {}

  add(spans: readonly ViewerSpan[]): void {
    for (const span of spans) {
      let trace = this.traces.get(span.traceId);
      if (!trace) {
        trace = { spans: [], spanIds: new Set() };
        this.traces.set(span.traceId, trace);
      }
      if (trace.spans.length >= this.limits.maxSpans) {
        this.droppedSpans++;
        continue;
      }
      // A span sent twice (an export retried) is kept once.
      if (trace.spanIds.has(span.spanId)) continue;
      trace.spanIds.add(span.spanId);
      trace.spans.push(span);
      this.spanCount++;
    }
    this.evict();
  }

  get(traceId: string): readonly ViewerSpan[] | undefined {
    return this.traces.get(traceId)?.spans;
  }

  /** Every trace, newest first by first span received. */
  all(): Array<readonly ViewerSpan[]> {
    return [...this.traces.values()].map((trace) => trace.spans).reverse();
  }

  stats(): TraceStoreStats {
    return { traces: this.traces.size, spans: this.spanCount, evictedTraces: this.evictedTraces, droppedSpans: this.droppedSpans };
  }

  private evict(): void {
    for (const [traceId, { spans }] of this.traces) {
      if (this.traces.size <= this.limits.maxTraces && this.spanCount <= this.limits.maxSpans) return;
      this.traces.delete(traceId);
      this.spanCount -= spans.length;
      this.evictedTraces++;
    }
  }
}
