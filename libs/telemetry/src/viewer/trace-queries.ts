import type { ViewerSpan } from './telemetry-records';

/** One row of the trace list. @publicApi */
export interface TraceSummary {
  traceId: string;
  /** ISO 8601 start of the earliest span. */
  startTime: string;
  startMs: number;
  rootName: string;
  rootService: string;
  durationMs: number;
  services: string[];
  spanCount: number;
  status: 'ok' | 'error';
}

/** Filters of the trace list: tracking id (a prefix of the trace id), service, status, minimum duration. @publicApi */
export interface TraceFilter {
  trackingId?: string;
  service?: string;
  status?: 'ok' | 'error';
  minDurationMs?: number;
}

/** Rate, errors and duration percentiles of one service's route. @publicApi */
export interface RedRow {
  service: string;
  route: string;
  requests: number;
  /** Requests per second over the time the stored spans cover. */
  rate: number;
  errors: number;
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** The row of a trace: its root (the span whose parent is not in the trace), its extent, its services. @internal */
export function summarize(spans: readonly ViewerSpan[]): TraceSummary {
  const ids = new Set(spans.map((span) => span.spanId));
  const roots = spans.filter((span) => span.parentSpanId === undefined || !ids.has(span.parentSpanId));
  const root = [...(roots.length ? roots : spans)].sort((a, b) => a.startMs - b.startMs)[0];
  const start = Math.min(...spans.map((span) => span.startMs));
  const end = Math.max(...spans.map((span) => span.startMs + span.durationMs));
  return {
    traceId: root.traceId,
    startTime: new Date(start).toISOString(),
    startMs: start,
    rootName: root.name,
    rootService: root.service,
    durationMs: Math.round((end - start) * 1000) / 1000,
    services: [...new Set(spans.map((span) => span.service))].sort(),
    spanCount: spans.length,
    status: spans.some(isError) ? 'error' : 'ok',
  };
}

export function matches(summary: TraceSummary, filter: TraceFilter): boolean {
  if (filter.trackingId && !summary.traceId.startsWith(filter.trackingId.toLowerCase())) return false;
  if (filter.service && !summary.services.includes(filter.service)) return false;
  if (filter.status && summary.status !== filter.status) return false;
  if (filter.minDurationMs !== undefined && summary.durationMs < filter.minDurationMs) return false;
  return true;
}

/** RED numbers per service and route, from the SERVER spans of the stored traces. @internal */
export function redRows(traces: Iterable<readonly ViewerSpan[]>): RedRow[] {
  const groups = new Map<string, ViewerSpan[]>();
  for (const spans of traces) {
    for (const span of spans) {
      if (span.kind !== 'SERVER') continue;
      const route = typeof span.attributes['http.route'] === 'string' ? span.attributes['http.route'] : span.name;
      const key = `${span.service}\u0000${route}`;
      const group = groups.get(key);
      if (group) group.push(span);
      else groups.set(key, [span]);
    }
  }
  return [...groups].map(([key, spans]) => {
    const [service, route] = key.split('\u0000');
    const durations = spans.map((span) => span.durationMs).sort((a, b) => a - b);
    const first = Math.min(...spans.map((span) => span.startMs));
    const last = Math.max(...spans.map((span) => span.startMs + span.durationMs));
    const errors = spans.filter(isError).length;
    return {
      service,
      route,
      requests: spans.length,
      rate: round(spans.length / Math.max(1, (last - first) / 1000)),
      errors,
      errorRate: round(errors / spans.length),
      p50Ms: percentile(durations, 0.5),
      p95Ms: percentile(durations, 0.95),
      p99Ms: percentile(durations, 0.99),
    };
  }).sort((a, b) => a.service.localeCompare(b.service) || a.route.localeCompare(b.route));
}

/** An error span: status ERROR, or a 5xx answered. */
function isError(span: ViewerSpan): boolean {
  const status = Number(span.attributes['http.response.status_code']);
  return span.status === 'error' || status >= 500;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], quantile: number): number {
  return round(sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)] ?? 0);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
