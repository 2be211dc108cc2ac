import { stringify } from 'csv-stringify/sync';
import type { OperationRecord, OperationsSummary, OperationTypeSummary } from './operation-record';

/** CSV columns, in order; `metadata` is one JSON-encoded field. @publicApi */
export const OPERATION_CSV_COLUMNS = [
  'operation_id',
  'operation_name',
  'component',
  'started_at',
  'duration_ms',
  'status',
  'error',
  'memory_delta_mb',
  'metadata',
  'trace_id',
] as const;

/**
 * The last `capacity` operation records, oldest dropped first (and counted), with the
 * peak heap seen, the summary and the JSON / CSV exports.
 * @internal
 */
export class OperationLog {
  private readonly records: OperationRecord[] = [];
  private dropped = 0;
  private peakMemoryMb = 0;

  constructor(readonly capacity: number) {}

  add(record: OperationRecord, heapUsedMb: number): void {
    this.records.push(record);
    if (this.records.length > this.capacity) {
      this.records.shift();
      this.dropped++;
    }
    this.peakMemoryMb = Math.max(this.peakMemoryMb, heapUsedMb);
  }

  /** A copy, oldest first. */
  all(): OperationRecord[] {
    return this.records.map((record) => ({ ...record, metadata: { ...record.metadata } }));
  }

  get droppedCount(): number {
    return this.dropped;
  }

  summary(): OperationsSummary {
    const byType: Record<string, OperationTypeSummary> = {};
    const names = [...new Set(this.records.map((record) => record.operation_name))];
    for (const name of names) byType[name] = totals(this.records.filter((record) => record.operation_name === name));
    const all = totals(this.records);
    return {
      ...all,
      failed: all.total - all.successful,
      success_rate: all.total ? round(all.successful / all.total) : 0,
      peak_memory_mb: round(this.peakMemoryMb),
      dropped_records: this.dropped,
      by_operation_type: byType,
    };
  }

  toJson(): string {
    return JSON.stringify(this.records);
  }

  /** RFC 4180: CRLF line ends, fields with commas, quotes or line breaks quoted, quotes doubled. */
  toCsv(): string {
    return stringify(
      this.records.map((record) => ({ ...record, error: record.error ?? '', trace_id: record.trace_id ?? '', metadata: JSON.stringify(record.metadata) })),
      { header: true, columns: [...OPERATION_CSV_COLUMNS], record_delimiter: 'windows' },
    );
  }
}

function totals(records: readonly OperationRecord[]): OperationTypeSummary {
  const durations = records.map((record) => record.duration_ms).sort((a, b) => a - b);
  const sum = durations.reduce((total, duration) => total + duration, 0);
  return {
    total: records.length,
    successful: records.filter((record) => record.status === 'success').length,
    average_duration_ms: records.length ? round(sum / records.length) : 0,
    // Nearest rank.
    p95_duration_ms: records.length ? durations[Math.ceil(0.95 * durations.length) - 1] : 0,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
