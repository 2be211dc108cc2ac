import type { ViewerLogRecord } from './telemetry-records';

/**
 * Recent log records in memory: a ring of `maxLogs`, the oldest overwritten first.
 * @internal
 */
export class LogStore {
  private readonly records: ViewerLogRecord[] = [];
  private next = 0;
  private evicted = 0;

  constructor(private readonly maxLogs: number) {}

  add(records: readonly ViewerLogRecord[]): void {
    for (const record of records) {
      if (this.records.length < this.maxLogs) {
        this.records.push(record);
      } else {
        this.records[this.next] = record;
        this.next = (this.next + 1) % this.maxLogs;
        this.evicted++;
      }
    }
  }

  /** The records of one trace (tracking id), or the latest `limit`, in time order. */
  query(traceId: string | undefined, limit = 500): ViewerLogRecord[] {
    const matching = traceId === undefined ? this.records : this.records.filter((record) => record.traceId === traceId);
    return [...matching].sort((a, b) => a.timeMs - b.timeMs).slice(-limit);
  }

  stats(): { logs: number; evictedLogs: number } {
    return { logs: this.records.length, evictedLogs: this.evicted };
  }
}
