import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BytesExportDelegates, type EncodedExport, type OtlpSignal } from './otlp-bytes-export';
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
  signal: OtlpSignal;
  url: string | undefined;
  encoded: EncodedExport;
  done: (result: ExportResult) => void;
}

/**
 * The worker thread OTLP/HTTP protobuf exports leave from (otlp-export-worker: why a
 * thread), shared by the span and log record exporters of one SDK: each hands over a
 * copy of a request it framed, and the worker sends it through the transport
 * OpenTelemetry's exporter of that signal uses (retries, `OTEL_EXPORTER_OTLP_*`,
 * compression, timeout).
 *
 * The thread starts with the first export and never keeps the process alive on its own:
 * only while exports are in flight. If it fails to start or stops, the exports it had not
 * answered are sent again from the main thread, and so is everything after (a request
 * the thread had sent just before stopping can reach the collector twice, none is lost).
 * It closes when the last exporter using it has shut down.
 * @internal
 */
export class OtlpExportThread {
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 0;
  private users = 0;
  private worker: Worker | undefined;
  private workerError: Error | undefined;
  /** The main thread's own transports, once the worker is gone. */
  private inThread: BytesExportDelegates | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly script = EXPORT_WORKER_SCRIPT) {}

  /** Whether the worker's script is there to start. */
  static available(script = EXPORT_WORKER_SCRIPT): boolean {
    return existsSync(script);
  }

  /** Whether exports still leave from the worker (false once it failed and the main thread took over). */
  get exportsFromWorker(): boolean {
    return this.inThread === undefined;
  }

  /** An exporter starts using the thread; its `release()` on shutdown. */
  acquire(): void {
    this.users++;
  }

  /** An exporter shut down: the thread closes, its exports in flight answered, with the last one. */
  release(): Promise<void> {
    if (--this.users > 0) return Promise.resolve();
    this.closing ??= this.close();
    return this.closing;
  }

  /** Sends `encoded` (the thread takes a copy) to `url`, or to the `OTEL_EXPORTER_OTLP_*` endpoint of `signal`. */
  send(signal: OtlpSignal, url: string | undefined, encoded: EncodedExport, done: (result: ExportResult) => void): void {
    if (this.closing) {
      done({ code: ExportResultCode.FAILED, error: new Error('OtlpExportThread: export after shutdown') });
      return;
    }
    if (this.inThread) return this.inThread.export(signal, url, encoded, done);
    let worker: Worker;
    try {
      worker = this.worker ?? this.startWorker();
    } catch (error) {
      this.takeOver(`could not start: ${String(error)}`);
      return this.inThread!.export(signal, url, encoded, done);
    }
    const id = this.nextId++;
    this.inFlight.set(id, { signal, url, encoded, done });
    if (this.inFlight.size === 1) worker.ref();
    worker.postMessage({ type: 'export', signal, url, id, bytes: encoded.bytes, count: encoded.count } satisfies ToExportWorker);
  }

  private startWorker(): Worker {
    // NODE_OPTIONS would preload the app's `--require`s (nest-telemetry/register among
    // them) into the worker too, and the app's flags are not the worker's business.
    const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
    const worker = new Worker(this.script, {
      workerData: { kind: EXPORT_WORKER_KIND } satisfies ExportWorkerData,
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
    diag.warn(`nest-telemetry: the OTLP export thread stopped (${reason}); telemetry is exported from the main thread from now on`);
    const inThread = (this.inThread ??= new BytesExportDelegates());
    const unanswered = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const { signal, url, encoded, done } of unanswered) inThread.export(signal, url, encoded, done);
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
