import type { OtlpSignal } from './otlp-bytes-export';

/**
 * The messages between OtlpExportThread and its worker thread (otlp-export-worker).
 * Only plain data crosses: bytes, numbers and strings.
 * @internal
 */

/** Marks the worker's data, so the worker's entry serves only the thread started for it. */
export const EXPORT_WORKER_KIND = 'nest-telemetry.otlp-export';

/** What the worker is started with. */
export interface ExportWorkerData {
  kind: typeof EXPORT_WORKER_KIND;
}

export type ToExportWorker =
  /**
   * Send one framed OTLP request of `signal` to `url` (undefined: the `OTEL_EXPORTER_OTLP_*`
   * variables, read in the worker) as a copy: the main thread keeps its own until answered.
   */
  | { type: 'export'; signal: OtlpSignal; url: string | undefined; id: number; bytes: Uint8Array; count: number }
  /** Finish the exports in flight, then stop. */
  | { type: 'shutdown' };

/** An export's error, rebuilt on the main thread with its class name and OTLP status. */
export interface WorkerExportError {
  name: string;
  message: string;
  /** The HTTP status of an `OTLPExporterError`. */
  code?: number;
  /** The response body of an `OTLPExporterError`. */
  data?: string;
}

export type FromExportWorker =
  | { type: 'exported'; id: number; code: number; error?: WorkerExportError }
  /** A message of the transport's `diag` (warnings and errors: a partial success, a dropped export). */
  | { type: 'diag'; level: 'error' | 'warn' | 'info'; message: string }
  | { type: 'closed' };
