/** How an operation ended. @publicApi */
export type OperationStatus = 'success' | 'failure';

/** Metadata of an operation: flat values, kept in the record and its CSV/JSON exports. @publicApi */
export type OperationMetadata = Record<string, string | number | boolean | null>;

/** One run of a measured operation (the seeds' `MetricsCollectorV2` record). @publicApi */
export interface OperationRecord {
  operation_id: string;
  operation_name: string;
  component: string;
  /** ISO 8601 UTC. */
  started_at: string;
  duration_ms: number;
  status: OperationStatus;
  /** The error's message when it failed. */
  error: string | null;
  /** Heap used after minus before, in MB (negative when a GC ran meanwhile). */
  memory_delta_mb: number;
  metadata: OperationMetadata;
  /** Trace of the operation's span: its tracking id. */
  trace_id: string | null;
}

/** Totals of one operation type. @publicApi */
export interface OperationTypeSummary {
  total: number;
  successful: number;
  average_duration_ms: number;
  p95_duration_ms: number;
}

/** What `summary()` reports over the records in the buffer. @publicApi */
export interface OperationsSummary extends OperationTypeSummary {
  failed: number;
  success_rate: number;
  /** Highest heap used at the end of an operation, in MB. */
  peak_memory_mb: number;
  /** Records dropped because the buffer was full (the oldest go first). */
  dropped_records: number;
  by_operation_type: Record<string, OperationTypeSummary>;
}
