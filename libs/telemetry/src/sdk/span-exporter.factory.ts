import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { ConsoleJsonSpanExporter } from './console-json-span-exporter';
import type { OtlpProtocol } from '../interfaces/telemetry-sdk-options.interface';
import type { ResolvedSdkOptions } from '../options/resolved-telemetry-options.interface';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { EncodedSpanBatchExporter } from './encoding-batch-span-processor';
import type { OtlpExportThread } from './otlp-export-thread';
import { requireOptionalPeer } from './optional-peer';

type OtlpExporterClass<T = SpanExporter> = new (config: { url?: string }) => T;

/** The optional peer package of each OTLP transport, for log records. @internal */
export const OTLP_LOG_EXPORTER_PACKAGES: Record<OtlpProtocol, string> = {
  'http/protobuf': '@opentelemetry/exporter-logs-otlp-proto',
  'http/json': '@opentelemetry/exporter-logs-otlp-http',
  grpc: '@opentelemetry/exporter-logs-otlp-grpc',
};

/** The optional peer package of each OTLP transport. @internal */
export const OTLP_EXPORTER_PACKAGES: Record<OtlpProtocol, string> = {
  'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
  'http/json': '@opentelemetry/exporter-trace-otlp-http',
  grpc: '@opentelemetry/exporter-trace-otlp-grpc',
};

/**
 * The exporter for the resolved options, or undefined when spans are not exported.
 * OTLP exporters are optional peers, required only when chosen, so an app that never
 * exports does not install or load protobuf or gRPC code. Headers, timeout and
 * compression come from the standard `OTEL_EXPORTER_OTLP_*` variables, which the
 * exporters read themselves.
 * @internal
 */
export function createSpanExporter(options: ResolvedSdkOptions): SpanExporter | undefined {
  if (options.spanExporter) return options.spanExporter;
  switch (options.traceExporter) {
    case 'none':
      return undefined;
    case 'console':
      // JSON lines on stderr: stdout is the app's log lines.
      return new ConsoleJsonSpanExporter();
    case 'otlp': {
      const config = otlpConfigOf(options);
      if (options.otlpProtocol !== 'http/protobuf') return new (otlpPeerOf(options).OTLPTraceExporter)(config);
      // protobuf: the peer's transport with a faster encoder of the same bytes. The peer stays
      // required, as documented, though its own class goes unused. Loaded here, like the peer:
      // an app that does not export never loads OTLP code.
      otlpPeerOf(options);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exporter = require('./otlp-protobuf-trace-exporter') as typeof import('./otlp-protobuf-trace-exporter');
      return new exporter.OtlpProtobufTraceExporter(config);
    }
  }
}

/**
 * The exporter of spans encoded as they end (EncodingBatchSpanProcessor), for the default
 * path: batched OTLP/HTTP protobuf to the library's own exporter, from its worker thread
 * unless `exportThread` is `main` or the worker's script is missing. Undefined elsewhere (a
 * custom exporter, another protocol, no export, no batching), where the SDK's processors run.
 * @internal
 */
export function createEncodedSpanExporter(options: ResolvedSdkOptions, exportThread = sharedExportThread(options)): EncodedSpanBatchExporter | undefined {
  if (options.spanExporter || options.traceExporter !== 'otlp' || options.otlpProtocol !== 'http/protobuf' || !options.batch) return undefined;
  otlpPeerOf(options);
  const thread = exportThread();
  if (thread) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OtlpWorkerSpanExporter } = require('./otlp-worker-span-exporter') as typeof import('./otlp-worker-span-exporter');
    return new OtlpWorkerSpanExporter(otlpConfigOf(options), thread);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exporter = require('./otlp-protobuf-trace-exporter') as typeof import('./otlp-protobuf-trace-exporter');
  return new exporter.OtlpEncodedSpanExporter(otlpConfigOf(options));
}

/** The chosen transport's peer package, required (with a message naming it when it is missing). */
function otlpPeerOf(options: ResolvedSdkOptions): { OTLPTraceExporter: OtlpExporterClass } {
  return requireOptionalPeer<{ OTLPTraceExporter: OtlpExporterClass }>(OTLP_EXPORTER_PACKAGES[options.otlpProtocol], `OTLP export over ${options.otlpProtocol}`);
}

function otlpConfigOf(options: ResolvedSdkOptions): { url?: string } {
  return options.otlpTracesUrl ? { url: options.otlpTracesUrl } : {};
}

/**
 * The OTLP log record exporter for the resolved options, when `logsExporter` is `otlp`;
 * an optional peer like the span exporters. Over HTTP protobuf the records leave from the
 * export thread, as the spans do.
 * @internal
 */
export function createLogRecordExporter(options: ResolvedSdkOptions, exportThread = sharedExportThread(options)): LogRecordExporter | undefined {
  if (options.logsExporter !== 'otlp' || !options.otlpLogsUrl) return undefined;
  const packageName = OTLP_LOG_EXPORTER_PACKAGES[options.otlpProtocol];
  const { OTLPLogExporter } = requireOptionalPeer<{ OTLPLogExporter: OtlpExporterClass<LogRecordExporter> }>(packageName, `OTLP log export over ${options.otlpProtocol}`);
  const thread = options.otlpProtocol === 'http/protobuf' ? exportThread() : undefined;
  if (thread) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OtlpWorkerLogRecordExporter } = require('./otlp-worker-log-record-exporter') as typeof import('./otlp-worker-log-record-exporter');
    return new OtlpWorkerLogRecordExporter({ url: options.otlpLogsUrl }, thread);
  }
  return new OTLPLogExporter({ url: options.otlpLogsUrl });
}

/**
 * The export thread the OTLP/HTTP protobuf exporters of one SDK share (`exportThread:
 * 'worker'`), made, and its code loaded, when the first of them asks; undefined with
 * `exportThread: 'main'`, or where the worker's script is missing.
 * @internal
 */
export function sharedExportThread(options: Pick<ResolvedSdkOptions, 'exportThread'>): () => OtlpExportThread | undefined {
  let thread: OtlpExportThread | undefined;
  let decided = false;
  return () => {
    if (!decided) {
      decided = true;
      if (options.exportThread === 'worker') {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { OtlpExportThread } = require('./otlp-export-thread') as typeof import('./otlp-export-thread');
        if (OtlpExportThread.available()) thread = new OtlpExportThread();
      }
    }
    return thread;
  };
}
