import { Injectable } from '@nestjs/common';
import type { WorkflowRecord } from './workflow';

/** In-memory workflow records (a sample: a real service would use its database). */
@Injectable()
export class WorkflowStore {
  // Bounded so a long-running demo cannot grow without limit.
  private static readonly MAX_RECORDS = 10_000;
  private readonly records = new Map<string, WorkflowRecord>();

  save(record: WorkflowRecord): void {
    if (this.records.size >= WorkflowStore.MAX_RECORDS) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
    this.records.set(record.id, record);
  }

  find(id: string): WorkflowRecord | undefined {
    return this.records.get(id);
  }
}
