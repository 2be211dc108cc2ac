import { stringify } from 'csv-stringify/sync';
import { SPAN_KINDS, type ViewerSpan } from './telemetry-records';
import type { TraceSummary } from './trace-queries';

/** A trace as an OTLP/JSON ExportTraceServiceRequest: what a collector would accept back. @internal */
export function traceToOtlpJson(spans: readonly ViewerSpan[]): object {
  const byService = new Map<string, ViewerSpan[]>();
  for (const span of spans) {
    const group = byService.get(span.service);
    if (group) group.push(span);
    else byService.set(span.service, [span]);
  }
  return {
    resourceSpans: [...byService.values()].map((serviceSpans) => ({
      resource: { attributes: keyValues(serviceSpans[0].resource) },
      scopeSpans: [
        {
          scope: { name: serviceSpans[0].scope },
          spans: serviceSpans.map((span) => ({
            traceId: span.traceId,
            spanId: span.spanId,
            ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
            name: span.name,
            kind: Math.max(0, SPAN_KINDS.indexOf(span.kind as (typeof SPAN_KINDS)[number])),
            startTimeUnixNano: span.startTimeUnixNano,
            endTimeUnixNano: span.endTimeUnixNano,
            attributes: keyValues(span.attributes),
            events: span.events.map((event) => ({
              name: event.name,
              timeUnixNano: (BigInt(Math.round(event.timeMs * 1000)) * 1000n).toString(),
              attributes: keyValues(event.attributes),
            })),
            status: { code: span.status === 'error' ? 2 : span.status === 'ok' ? 1 : 0, ...(span.statusMessage ? { message: span.statusMessage } : {}) },
          })),
        },
      ],
    })),
  };
}

/** The trace list as CSV (RFC 4180: fields with commas, quotes or line breaks are quoted). @internal */
export function tracesToCsv(rows: readonly TraceSummary[]): string {
  return stringify(
    rows.map((row) => ({ ...row, services: row.services.join(' ') })),
    { header: true, columns: ['traceId', 'startTime', 'rootService', 'rootName', 'durationMs', 'status', 'spanCount', 'services'], record_delimiter: 'windows' },
  );
}

function keyValues(attributes: Record<string, unknown>): object[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: unknown): object {
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (value !== null && typeof value === 'object') return { kvlistValue: { values: keyValues(value as Record<string, unknown>) } };
  return { stringValue: String(value ?? '') };
}
