import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPExporterError, type IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EncodedSpanBatchSerializer, type EncodedSpanBatch } from './encoded-span-batch';
import type { EncodedSpanBatchExporter } from './encoding-batch-span-processor';
import { createBytesExportDelegate, type EncodedExport } from './otlp-bytes-export';
import { EXPORT_WORKER_KIND, type ExportWorkerData, type FromExportWorker, type ToExportWorker, type WorkerExportError } from './otlp-export-worker.protocol';

/**
 * The worker's script, built next to this file. It is missing where the library runs from
 * its TypeScript sources (ts-jest, ts-node) or was bundled into one file: exports then
 * stay on the main thread (span-exporter.factory).
 * @internal
 */
export const EXPORT_WORKER_SCRIPT = join(__dirname, 'otlp-export-worker.js');

// A worker that does not close within this time after shutdown is stopped: its transport answers every export within its own timeout (10 s by default).
const CLOSE_LIMIT_MILLIS = 30_000;

interface InFlight {
  encoded: EncodedExport;
  done: (result: ExportResult) => void;
}

/**
 * OTLP/HTTP protobuf export of the batches EncodingBatchSpanProcessor encoded, sent from a
 * worker thread (otlp-export-worker: why a thread). The main thread frames each request,
 * as OtlpEncodedSpanExporter does, and hands over a copy of its bytes; the worker sends it
 * through the same transport (retries, `OTEL_EXPORTER_OTLP_*`, compression, timeout).
 *
 * The thread starts with the first export and never keeps the process alive on its own:
 * only while exports are in flight. If it fails to start or stops, the exports it had not
 * answered are sent again from the main thread, and so is everything after (a batch the
 * thread had sent just before stopping can reach the collector twice, none is lost).
 * @internal
 */
export class OtlpWorkerSpanExporter implements EncodedSpanBatchExporter {
  private readonly serializer = new EncodedSpanBatchSerializer();
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 0;
  private worker: Worker | undefined;
  private workerError: Error | undefined;
  /** The main thread's own transport, once the worker is gone. */
  private inThread: IOtlpExportDelegate<EncodedExport> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: { url?: string },
    private readonly script = EXPORT_WORKER_SCRIPT,
  ) {}

  /** Whether exports still leave from the worker (false once it failed and the main thread took over). */
  get exportsFromWorker(): boolean {
    return this.inThread === undefined;
  }

  export(batch: EncodedSpanBatch, resultCallback: (result: ExportResult) => void): void {
    if (this.closing) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('OtlpWorkerSpanExporter: export after shutdown') });
      return;
    }
    // Framed now, since the processor reuses the batch once answered; copied, since the serializer reuses its buffer.
    const encoded: EncodedExport = { bytes: this.serializer.serializeRequest(batch).slice(), count: batch.count };
    if (this.inThread) return this.inThread.export(encoded, resultCallback);
    let worker: Worker;
    try {
      worker = this.worker ?? this.startWorker();
    } catch (error) {
      this.takeOver(`could not start: ${String(error)}`);
      return this.inThread!.export(encoded, resultCallback);
    }
    const id = this.nextId++;
    this.inFlight.set(id, { encoded, done: resultCallback });
    if (this.inFlight.size === 1) worker.ref();
    worker.postMessage({ type: 'export', id, bytes: encoded.bytes, count: encoded.count } satisfies ToExportWorker);
  }

  shutdown(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  private startWorker(): Worker {
    // NODE_OPTIONS would preload the app's `--require`s (nest-telemetry/register among
    // them) into the worker too, and the app's flags are not the worker's business.
    const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
    const worker = new Worker(this.script, {
      workerData: { kind: EXPORT_WORKER_KIND, ...(this.config.url === undefined ? {} : { url: this.config.url }) } satisfies ExportWorkerData,
      execArgv: [],
      env,
      name: 'nest-telemetry OTLP export',
    });
    worker.unref();
    worker.on('message', this.onMessage);
    worker.on('error', (error) => (this.workerError = error));
    worker.once('exit', (exitCode) => this.onExit(worker, exitCode));
    this.worker = worker;
    return worker;
  }

  private readonly onMessage = (message: FromExportWorker): void => {
    if (message.type === 'diag') diag[message.level](message.message);
    if (message.type !== 'exported') return;
    const entry = this.inFlight.get(message.id);
    if (entry === undefined) return;
    this.inFlight.delete(message.id);
    if (this.inFlight.size === 0 && this.closing === undefined) this.worker?.unref();
    entry.done(message.code === ExportResultCode.SUCCESS ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: errorFrom(message.error) });
  };

  private onExit(worker: Worker, exitCode: number): void {
    if (this.worker === worker) this.worker = undefined;
    if (this.closing !== undefined && this.inFlight.size === 0) return;
    this.takeOver(this.workerError ? `${this.workerError.name}: ${this.workerError.message}` : `exit code ${exitCode}`);
  }

  /** From now on the main thread exports, starting with what the worker left unanswered. */
  private takeOver(reason: string): void {
    diag.warn(`nest-telemetry: the OTLP export thread stopped (${reason}); spans are exported from the main thread from now on`);
    this.inThread ??= createBytesExportDelegate(this.config);
    const unanswered = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const { encoded, done } of unanswered) this.inThread.export(encoded, done);
  }

  private async close(): Promise<void> {
    const worker = this.worker;
    if (worker !== undefined) {
      // The last exports' answers keep the process until they come, as a request in flight would.
      worker.ref();
      const stopped = new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(limit);
          resolve();
        };
        const limit = setTimeout(done, CLOSE_LIMIT_MILLIS);
        worker.on('message', (message: FromExportWorker) => message.type === 'closed' && done());
        worker.once('exit', done);
      });
      worker.postMessage({ type: 'shutdown' } satisfies ToExportWorker);
      await stopped;
      await worker.terminate();
    }
    await this.inThread?.shutdown();
  }
}

/** The worker's error as the main thread's: its class name, and an OTLPExporterError's status and body. */
function errorFrom(plain: WorkerExportError | undefined): Error {
  if (plain === undefined) return new Error('OTLP export failed');
  const error = plain.name === 'OTLPExporterError' ? new OTLPExporterError(plain.message, plain.code, plain.data) : new Error(plain.message);
  // The processor counts failures by class name (`error.type`).
  Object.defineProperty(error, 'name', { value: plain.name, configurable: true, writable: true });
  return error;
}

/** Whether the worker's script is there to start (EXPORT_WORKER_SCRIPT). @internal */
export function exportWorkerAvailable(script = EXPORT_WORKER_SCRIPT): boolean {
  return existsSync(script);
}
