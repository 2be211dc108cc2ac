/**
 * The worker thread of OtlpExportThread: it sends the span batches and log records the main
 * thread framed, through the same OTLP/HTTP transports the main thread would use.
 *
 * Why a thread for a few requests a second: V8 keeps type feedback per function and per
 * isolate. An HTTP client in the app's own isolate runs through the functions the app's
 * server runs through too (Node's HTTP parser callbacks, headers, streams, sockets) with
 * objects of other shapes (client requests, the collector's responses), and turns their
 * inline caches polymorphic or megamorphic: every request the app serves then pays for it.
 * A worker is another isolate, with feedback of its own (BENCHMARKS.md, "Fifteenth session").
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { format } from 'node:util';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BytesExportDelegates } from './otlp-bytes-export';
import { EXPORT_WORKER_KIND, type ExportWorkerData, type FromExportWorker, type ToExportWorker, type WorkerExportError } from './otlp-export-worker.protocol';

function errorOf(error: Error): WorkerExportError {
  const plain: WorkerExportError = { name: error.name, message: error.message };
  if (error instanceof OTLPExporterError) {
    if (error.code !== undefined) plain.code = error.code;
    if (error.data !== undefined) plain.data = error.data;
  }
  return plain;
}

/** The transport's `diag` messages, handed to the main thread's `diag` (debug and verbose stay here: they would copy every batch). */
function forwardingLogger(port: MessagePort): DiagLogger {
  const forward =
    (level: 'error' | 'warn' | 'info') =>
    (message: string, ...args: unknown[]): void =>
      port.postMessage({ type: 'diag', level, message: format(message, ...args) } satisfies FromExportWorker);
  const ignore = (): void => {};
  return { error: forward('error'), warn: forward('warn'), info: forward('info'), debug: ignore, verbose: ignore };
}

/** Serves the main thread's messages until it asks to shut down. @internal */
export function serveExports(port: MessagePort): void {
  diag.setLogger(forwardingLogger(port), { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
  const delegates = new BytesExportDelegates();
  port.on('message', (message: ToExportWorker) => {
    if (message.type === 'export') {
      const { id } = message;
      const answer = (result: ExportResult): void => {
        const reply: FromExportWorker = { type: 'exported', id, code: result.code };
        if (result.error) reply.error = errorOf(result.error);
        port.postMessage(reply);
      };
      try {
        delegates.export(message.signal, message.url, { bytes: message.bytes, count: message.count }, answer);
      } catch (error) {
        answer({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
      return;
    }
    void delegates.shutdown().finally(() => {
      port.postMessage({ type: 'closed' } satisfies FromExportWorker);
      port.close();
    });
  });
}

const started = workerData as Partial<ExportWorkerData> | undefined;
if (!isMainThread && parentPort && started?.kind === EXPORT_WORKER_KIND) serveExports(parentPort);
