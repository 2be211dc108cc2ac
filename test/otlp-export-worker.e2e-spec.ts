import { TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { variedSpans } from './utils/finished-spans';
import { OtlpReceiver } from './utils/otlp-receiver';
import type * as WorkerExporterModule from '../libs/telemetry/src/sdk/otlp-worker-span-exporter';
import type * as WorkerLogsModule from '../libs/telemetry/src/sdk/otlp-worker-log-record-exporter';
import type * as ThreadModule from '../libs/telemetry/src/sdk/otlp-export-thread';
import type * as EncodedBatchModule from '../libs/telemetry/src/sdk/encoded-span-batch';
import type * as MainThreadExporterModule from '../libs/telemetry/src/sdk/otlp-protobuf-trace-exporter';
import type * as FactoryModule from '../libs/telemetry/src/sdk/span-exporter.factory';
import type * as ResolverModule from '../libs/telemetry/src/options/sdk-options.resolver';

// The worker runs the built script (dist): its TypeScript source cannot start a thread, so this spec uses the build.
const DIST = join(__dirname, '..', 'libs', 'telemetry', 'dist');
const { OtlpWorkerSpanExporter } = require(join(DIST, 'sdk', 'otlp-worker-span-exporter')) as typeof WorkerExporterModule;
const { OtlpWorkerLogRecordExporter } = require(join(DIST, 'sdk', 'otlp-worker-log-record-exporter')) as typeof WorkerLogsModule;
const { OtlpExportThread } = require(join(DIST, 'sdk', 'otlp-export-thread')) as typeof ThreadModule;
const { EncodedSpanBatch, EncodedSpanBatchSerializer } = require(join(DIST, 'sdk', 'encoded-span-batch')) as typeof EncodedBatchModule;
const { OtlpEncodedSpanExporter } = require(join(DIST, 'sdk', 'otlp-protobuf-trace-exporter')) as typeof MainThreadExporterModule;
const { createEncodedSpanExporter, createLogRecordExporter, sharedExportThread } = require(join(DIST, 'sdk', 'span-exporter.factory')) as typeof FactoryModule;
const { resolveSdkOptions } = require(join(DIST, 'options', 'sdk-options.resolver')) as typeof ResolverModule;
const NODE = join(__dirname, '..', 'node_modules', '.bin', 'node');

type Exporter = { export(batch: InstanceType<typeof EncodedSpanBatch>, done: (result: ExportResult) => void): void; shutdown(): Promise<void> };

const sampledSpans = () => variedSpans().filter((span) => span.spanContext().traceFlags & TraceFlags.SAMPLED);

function batchOf(): InstanceType<typeof EncodedSpanBatch> {
  const batch = new EncodedSpanBatch();
  for (const span of sampledSpans()) batch.add(span);
  return batch;
}

const exportWith = (exporter: Exporter, batch = batchOf()) => new Promise<ExportResult>((resolve) => exporter.export(batch, resolve));

/** A collector that answers every export with `status`, and keeps what it got. */
async function collector(status = 200) {
  const received: { url: string | undefined; body: Buffer; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ url: request.url, body: Buffer.concat(chunks), headers: request.headers });
      response.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  return { url, received, stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

/** The export threads running in this process, by their name (Linux shows the first 15 characters). */
const exportThreads = () => readdirSync('/proc/self/task').filter((task) => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').startsWith('nest-telemetry')).length;

/** Log records as the SDK's logger provider finishes them. */
function logRecords(): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('orders');
  logger.emit({ body: 'order placed', severityText: 'INFO', attributes: { 'order.id': 42, tenant: 'blue' } });
  logger.emit({ body: 'payment refused: "insufficient funds"', severityText: 'WARN' });
  return exporter.getFinishedLogRecords();
}

/** Counts the HTTP requests the main thread makes (a worker's `http` is its own module instance). */
function countMainThreadRequests() {
  const request = http.request;
  const counter = { count: 0, restore: () => (http.request = request) };
  http.request = ((...args: Parameters<typeof http.request>) => (counter.count++, request(...args))) as typeof http.request;
  return counter;
}

describe('OtlpExportThread (OTLP/HTTP export from a worker thread)', () => {
  it('should be the default exporter of spans and log records in the built library, one thread for both, and the main thread the one of exportThread "main"', async () => {
    const options = resolveSdkOptions({ serviceName: 'orders', otlpEndpoint: 'http://127.0.0.1:4318', logsExporter: 'otlp' });
    const thread = sharedExportThread(options);
    const spans = createEncodedSpanExporter(options, thread);
    const logs = createLogRecordExporter(options, thread);
    expect(spans).toBeInstanceOf(OtlpWorkerSpanExporter);
    expect(logs).toBeInstanceOf(OtlpWorkerLogRecordExporter);
    expect((spans as InstanceType<typeof OtlpWorkerSpanExporter>).thread).toBe((logs as InstanceType<typeof OtlpWorkerLogRecordExporter>).thread);
    const mainOptions = resolveSdkOptions({ serviceName: 'orders', otlpEndpoint: 'http://127.0.0.1:4318', logsExporter: 'otlp', exportThread: 'main' });
    const main = createEncodedSpanExporter(mainOptions);
    const mainLogs = createLogRecordExporter(mainOptions);
    expect(main).toBeInstanceOf(OtlpEncodedSpanExporter);
    expect(mainLogs).not.toBeInstanceOf(OtlpWorkerLogRecordExporter);
    await Promise.all([spans!.shutdown(), logs!.shutdown(), main!.shutdown(), mainLogs!.shutdown()]);
  });

  it("should send log records as OpenTelemetry's serializer frames them, to the logs endpoint, from the thread the spans use", async () => {
    const target = await collector();
    const requests = countMainThreadRequests();
    try {
      const thread = new OtlpExportThread();
      const logs = new OtlpWorkerLogRecordExporter({ url: target.url.replace('/v1/traces', '/v1/logs') }, thread);
      const spans = new OtlpWorkerSpanExporter({ url: target.url }, thread);
      const records = logRecords();
      expect(records.map((record) => record.body)).toEqual(['order placed', 'payment refused: "insufficient funds"']);
      expect(await new Promise<ExportResult>((resolve) => logs.export(records, resolve))).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await exportWith(spans)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(requests.count).toBe(0);
      expect(target.received.map((request) => request.url)).toEqual(['/v1/logs', '/v1/traces']);
      expect(target.received[0].body.equals(Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!))).toBe(true);
      // One thread for both, closed with the last of them.
      expect(exportThreads()).toBe(1);
      await logs.shutdown();
      expect(await exportWith(spans)).toEqual({ code: ExportResultCode.SUCCESS });
      await spans.shutdown();
      // The OS thread is gone once Node has joined it, right after its 'exit'.
      for (let wait = 0; wait < 40 && exportThreads() > 0; wait++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(exportThreads()).toBe(0);
    } finally {
      requests.restore();
      await target.stop();
    }
  });

  it("should send the bytes the main thread's exporter would send, with the OTEL_EXPORTER_OTLP_HEADERS, and not through the main thread's http", async () => {
    const receiver = new OtlpReceiver();
    const base = await receiver.start();
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-tenant=blue';
    const requests = countMainThreadRequests();
    const target = await collector();
    try {
      const exporter = new OtlpWorkerSpanExporter({ url: target.url });
      const batch = batchOf();
      // What OtlpEncodedSpanExporter sends on the main thread: the same serializer's bytes.
      const expected = Buffer.from(new EncodedSpanBatchSerializer().serializeRequest(batch));
      expect(await exportWith(exporter, batch)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(requests.count).toBe(0);
      expect(target.received).toHaveLength(1);
      expect(target.received[0].body.equals(expected)).toBe(true);
      expect(target.received[0].headers).toMatchObject({ 'x-tenant': 'blue', 'content-type': 'application/x-protobuf' });
      // And a real receiver decodes them as the spans of the batch.
      const decoded = new OtlpWorkerSpanExporter({ url: `${base}/v1/traces` });
      expect(await exportWith(decoded)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(receiver.spans.map((span) => span.name)).toEqual(sampledSpans().map((span) => span.name));
      await Promise.all([exporter.shutdown(), decoded.shutdown()]);
      expect(exporter.thread.exportsFromWorker).toBe(true);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      requests.restore();
      await Promise.all([target.stop(), receiver.stop()]);
    }
  });

  it("should answer a refused export with the collector's status, a collector that is down with an error, and go on exporting", async () => {
    const refusing = await collector(400);
    const accepting = await collector();
    const down = await collector();
    await down.stop();
    try {
      const refused = await exportWith(new OtlpWorkerSpanExporter({ url: refusing.url }));
      expect(refused.code).toBe(ExportResultCode.FAILED);
      expect(refused.error).toMatchObject({ name: 'OTLPExporterError', code: 400 });
      // The transport retries a refused connection within its timeout: a short one here (read by the worker as it starts, with the first export).
      process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT = '1000';
      const unreachable = new OtlpWorkerSpanExporter({ url: down.url });
      const failed = await exportWith(unreachable).finally(() => delete process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT);
      expect(failed.code).toBe(ExportResultCode.FAILED);
      expect(failed.error?.message).toBeTruthy();
      await unreachable.shutdown();
      const exporter = new OtlpWorkerSpanExporter({ url: accepting.url });
      expect((await Promise.all([exportWith(exporter), exportWith(exporter)])).map((result) => result.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
      expect(accepting.received).toHaveLength(2);
      await exporter.shutdown();
    } finally {
      await Promise.all([refusing.stop(), accepting.stop()]);
    }
  });

  // The main thread's transport loads part of itself with a dynamic import, which jest's module sandbox refuses: these run in a plain Node process.
  it('should export from the main thread when its worker cannot start, or stops with exports unanswered, and lose none', async () => {
    const { code, output } = await runNode(
      `const { diag, DiagLogLevel } = require(require.resolve('@opentelemetry/api', { paths: [${JSON.stringify(DIST)}] }));
      const warnings = [];
      diag.setLogger({ error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
      let received = 0;
      const server = http.createServer((request, response) => request.resume().on('end', () => (received++, response.end()))).listen(0, '127.0.0.1', async () => {
        const url = 'http://127.0.0.1:' + server.address().port + '/v1/traces';
        const exportWith = (exporter) => new Promise((resolve) => exporter.export(new EncodedSpanBatch(), (result) => resolve(result.code)));
        const missing = new OtlpWorkerSpanExporter({ url }, new OtlpExportThread(path.join(dir, 'no-such-worker.js')));
        const stopping = new OtlpWorkerSpanExporter({ url }, new OtlpExportThread(path.join(dir, 'dying-worker.js')));
        const codes = [await exportWith(missing), await exportWith(missing), await exportWith(stopping), await exportWith(stopping)];
        await Promise.all([missing.shutdown(), stopping.shutdown()]);
        console.log(JSON.stringify({ codes, fromWorker: [missing.thread.exportsFromWorker, stopping.thread.exportsFromWorker], received, warnings }));
        server.close();
      });`,
      // A worker that takes the first export and exits without answering.
      { 'dying-worker.js': "require('node:worker_threads').parentPort.once('message', () => process.exit(3));\n" },
    );
    expect(code).toBe(0);
    const report = JSON.parse(output) as { codes: number[]; fromWorker: boolean[]; received: number; warnings: string[] };
    expect(report.codes).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS, ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    expect(report.fromWorker).toEqual([false, false]);
    expect(report.received).toBe(4);
    expect(report.warnings).toEqual([
      expect.stringMatching(/OTLP export thread stopped \(Error: Cannot find module .*no-such-worker\.js/),
      expect.stringMatching(/OTLP export thread stopped \(exit code 3\)/),
    ]);
  });

  it('should finish the exports in flight on shutdown, and refuse exports after it', async () => {
    const target = await collector();
    try {
      const exporter = new OtlpWorkerSpanExporter({ url: target.url });
      const results: ExportResult[] = [];
      for (let i = 0; i < 3; i++) exporter.export(batchOf(), (result) => results.push(result));
      await exporter.shutdown();
      expect(results.map((result) => result.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
      expect(target.received).toHaveLength(3);
      expect((await exportWith(exporter)).code).toBe(ExportResultCode.FAILED);
    } finally {
      await target.stop();
    }
  });

  it("should not keep the process alive once its exports are answered, nor run the app's NODE_OPTIONS preloads in its thread", async () => {
    // Exports one batch to a collector of its own, then closes the collector and leaves the exporter as it is.
    const { code, output } = await runNode(
      `const server = http.createServer((request, response) => request.resume().on('end', () => response.end())).listen(0, '127.0.0.1', () => {
        const exporter = new OtlpWorkerSpanExporter({ url: 'http://127.0.0.1:' + server.address().port + '/v1/traces' });
        exporter.export(new EncodedSpanBatch(), (result) => {
          console.log('exported ' + result.code);
          server.closeAllConnections();
          server.close();
        });
      });`,
      { 'preload.js': "if (!require('node:worker_threads').isMainThread) console.log('preloaded in a worker');\n" },
      (dir) => ({ NODE_OPTIONS: `--require ${join(dir, 'preload.js')}` }),
    );
    expect(code).toBe(0);
    expect(output).toBe('exported 0\n');
  });
});

/**
 * Runs `body` in a plain Node process (the project's Node 24) with the built exporter loaded
 * (`http`, `path`, `dir`, OtlpWorkerSpanExporter, OtlpExportThread and EncodedSpanBatch in scope) and `files`
 * written to `dir`; fails after 15 s, so an exporter that keeps the process alive is caught.
 */
async function runNode(body: string, files: Record<string, string>, env: (dir: string) => NodeJS.ProcessEnv = () => ({})): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'export-worker-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const script = join(dir, 'main.js');
    writeFileSync(
      script,
      `const http = require('node:http');
      const path = require('node:path');
      const dir = ${JSON.stringify(dir)};
      const { OtlpWorkerSpanExporter } = require(${JSON.stringify(join(DIST, 'sdk', 'otlp-worker-span-exporter'))});
      const { OtlpExportThread } = require(${JSON.stringify(join(DIST, 'sdk', 'otlp-export-thread'))});
      const { EncodedSpanBatch } = require(${JSON.stringify(join(DIST, 'sdk', 'encoded-span-batch'))});
      ${body}
      `,
    );
    const child = spawn(NODE, [script], { env: { ...process.env, ...env(dir) } });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => (child.kill(), reject(new Error(`still running after 15 s: ${output}${errors}`))), 15_000);
      child.on('exit', (exitCode) => (clearTimeout(timer), resolve(exitCode)));
    });
    if (code !== 0) throw new Error(`exited with ${code}: ${output}${errors}`);
    return { code, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
