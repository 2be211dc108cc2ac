import { context, diag, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, loggingErrorHandler, setGlobalErrorHandler, W3CBaggagePropagator } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import {
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TelemetrySdkOptions } from '../interfaces/telemetry-sdk-options.interface';
import type { ResolvedSdkOptions } from '../options/resolved-telemetry-options.interface';
import { resolveSdkOptions } from '../options/sdk-options.resolver';
import { createContextManager } from './frame-restoring-context-manager';
import { createInstrumentations } from './instrumentations.factory';
import { createSampler } from './rule-based.sampler';
import { PooledRandomIdGenerator } from './pooled-random-id-generator';
import { StrictTraceContextPropagator } from '../propagation/strict-trace-context.propagator';
import { createEncodedSpanExporter, createLogRecordExporter, createSpanExporter, sharedExportThread } from './span-exporter.factory';
import { SpanExportMonitor } from './span-export-monitor';
import { registerTracingSdk, type TracingSdk } from './tracing-sdk';
import { withDeadline } from './with-deadline';
import { createStandInRuntime, type TelemetryRuntime } from './telemetry-runtime';
import { configureDiagnosticsFromEnv, sdkDisabledByEnv } from './otel-environment';
import { endQueuedObservations } from '../http/turn-end-observations';

type ExportThreadOf = ReturnType<typeof sharedExportThread>;

/** Modules that auto-instrumentation can only patch if they load after the SDK starts. */
const MUST_LOAD_AFTER_SDK = ['@nestjs/core', '@nestjs/platform-express', 'express'];

// The SDK is process-global by nature (OpenTelemetry registers global providers and
// patches modules once), so its runtime is too. TelemetryModule receives it through
// the TELEMETRY_RUNTIME token, whose provider is the only reader of this slot.
let current: TelemetryRuntime | undefined;
const instrumentationsByRuntime = new WeakMap<TelemetryRuntime, readonly Instrumentation[]>();

/**
 * Starts OpenTelemetry's tracing SDK and returns the process's telemetry runtime. Call it
 * before `@nestjs/core`, `express` or `http` are loaded (first line of `main.ts`, through
 * a file of its own, or with `node --require nest-telemetry/register`):
 * auto-instrumentation patches modules as they load and silently misses those loaded before.
 *
 * Calling it again returns the runtime already started; after `shutdown()` it starts anew.
 * @throws InvalidTelemetryOptionsError when an option is invalid
 * @throws MissingPeerDependencyError when the chosen exporter's package is not installed
 * @publicApi
 */
export function startTelemetry(options: TelemetrySdkOptions = {}): TelemetryRuntime {
  if (current) return current;
  const resolved = resolveSdkOptions(options);
  configureDiagnosticsFromEnv();
  // The specification's switch for every signal: the module runs as without an SDK.
  if (sdkDisabledByEnv()) return (current = disabledRuntime(resolved));
  const loadedTooEarly = MUST_LOAD_AFTER_SDK.filter(isLoaded);
  // One export thread for the span and log record exporters.
  const exportThread = sharedExportThread(resolved);
  const { spanProcessor, exportMonitor } = createSpanProcessor(resolved, exportThread);
  const instrumentations = createInstrumentations(resolved);
  const resource = resourceFromAttributes(resourceAttributesOf(resolved));
  const loggerProvider = createLoggerProvider(resolved, resource, exportThread);

  // Metrics go through Prometheus and logs through pino (bridged to `loggerProvider`
  // when exported over OTLP): the SDK is tracing's alone.
  const sdk = registerTracingSdk({
    resource,
    // The environment detector is applied above, under the options, not over them.
    resourceDetectors: resolved.detectResources ? [hostDetector, osDetector, processDetector, serviceInstanceIdDetector] : [],
    // W3C Trace Context by the letter, and W3C Baggage, unless `OTEL_PROPAGATORS` names others.
    propagator: new CompositePropagator({ propagators: [new StrictTraceContextPropagator(), new W3CBaggagePropagator()] }),
    // OpenTelemetry's AsyncLocalStorage manager, entering each context with one frame copy instead of two.
    contextManager: createContextManager(),
    sampler: createSampler(resolved.sampling),
    idGenerator: new PooledRandomIdGenerator(),
    spanProcessors: [spanProcessor],
    instrumentations,
  });
  // Failed exports reach this handler; without it they would go to a diag logger nobody set.
  if (exportMonitor) setGlobalErrorHandler((error) => exportMonitor.reportError(error));

  let stopped: Promise<void> | undefined;
  const runtime: TelemetryRuntime = {
    options: resolved,
    sdkStarted: true,
    loadedTooEarly,
    nestInstrumented: resolved.instrumentations.nestjs && !loadedTooEarly.includes('@nestjs/core'),
    exportMonitor,
    logRecordLogger: loggerProvider?.getLogger('nest-telemetry'),
    forceFlush: async () => {
      // Closed requests whose turn has not ended yet: their spans are finished too.
      endQueuedObservations();
      await Promise.all([spanProcessor.forceFlush(), loggerProvider?.forceFlush()]);
    },
    shutdown: () => {
      stopped ??= stop(sdk, loggerProvider, instrumentations, resolved.shutdownTimeoutMillis).finally(() => {
        if (current === runtime) current = undefined;
      });
      return stopped;
    },
  };
  instrumentationsByRuntime.set(runtime, instrumentations);
  current = runtime;
  return runtime;
}

/** `OTEL_SDK_DISABLED=true`: the stand-in's runtime (tracking ids, logs, metrics; no spans), until shut down. */
function disabledRuntime(options: ResolvedSdkOptions): TelemetryRuntime {
  const runtime: TelemetryRuntime = {
    ...createStandInRuntime(options),
    sdkDisabled: true,
    shutdown: () => {
      if (current === runtime) current = undefined;
      return Promise.resolve();
    },
  };
  return runtime;
}

/** The runtime `startTelemetry()` started, if any. For the TELEMETRY_RUNTIME provider. @internal */
export function currentTelemetryRuntime(): TelemetryRuntime | undefined {
  return current;
}

/** The instrumentations a runtime registered (testing helpers patch modules jest loads). @internal */
export function instrumentationsOf(runtime: TelemetryRuntime): readonly Instrumentation[] {
  return instrumentationsByRuntime.get(runtime) ?? [];
}

/** `OTEL_RESOURCE_ATTRIBUTES` first, then the options over it: an option always wins. */
function resourceAttributesOf(options: ResolvedSdkOptions): Record<string, string | number | boolean> {
  return {
    ...(envDetector.detect().attributes as Record<string, string | number | boolean> | undefined),
    ...options.resourceAttributes,
    [ATTR_SERVICE_NAME]: options.serviceName,
    [ATTR_SERVICE_VERSION]: options.serviceVersion,
    'deployment.environment.name': options.environment,
    'service.namespace': options.project,
  };
}

/** Leaves nothing process-wide behind: exporters flushed, modules unpatched, globals free. */
async function stop(
  sdk: TracingSdk,
  loggerProvider: LoggerProvider | undefined,
  instrumentations: readonly Instrumentation[],
  timeoutMillis: number,
): Promise<void> {
  try {
    // A collector that never answers must not hold the process.
    await withDeadline(Promise.all([sdk.shutdown(), loggerProvider?.shutdown()]), timeoutMillis, 'OpenTelemetry SDK shutdown');
  } catch (error) {
    diag.error('nest-telemetry: SDK shutdown failed', error);
  } finally {
    for (const instrumentation of instrumentations) instrumentation.disable();
    setGlobalErrorHandler(loggingErrorHandler());
    trace.disable();
    propagation.disable();
    context.disable();
  }
}

function createSpanProcessor(options: ResolvedSdkOptions, exportThread: ExportThreadOf): { spanProcessor: SpanProcessor; exportMonitor?: SpanExportMonitor } {
  // The default path (batched OTLP/HTTP protobuf) exports spans encoded as they end; the rest, finished spans.
  const encodedExporter = createEncodedSpanExporter(options, exportThread);
  const exporter = encodedExporter ? undefined : createSpanExporter(options);
  // Without an exporter spans are still created, so every request has a trace id to
  // return and propagate; they are simply not sent anywhere.
  if (!encodedExporter && !exporter) return { spanProcessor: new NoopSpanProcessor() };
  if (exporter && !options.batch) return { spanProcessor: new SimpleSpanProcessor({ exporter }) };
  const target = exporter && options.spanExporter ? exporter.constructor.name : (options.otlpTracesUrl ?? options.traceExporter);
  const exportMonitor = new SpanExportMonitor(target, options.exportErrorLogIntervalMillis);
  // The processor reports finished, failed and dropped spans to its self-observability meter: the monitor.
  const batching = { ...options.batchOptions, selfObsMeterProvider: exportMonitor.meterProvider };
  if (exporter) return { spanProcessor: new BatchSpanProcessor({ ...batching, exporter }), exportMonitor };
  // Spans encoded as they end, so none outlives its request waiting for its batch. Loaded
  // here, like the exporter: an app that does not export never loads OTLP code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EncodingBatchSpanProcessor } = require('./encoding-batch-span-processor') as typeof import('./encoding-batch-span-processor');
  return { spanProcessor: new EncodingBatchSpanProcessor(encodedExporter!, batching), exportMonitor };
}

/** Log records for the pino bridge, batched to the OTLP logs endpoint, when `logsExporter` is `otlp`. */
function createLoggerProvider(options: ResolvedSdkOptions, resource: ReturnType<typeof resourceFromAttributes>, exportThread: ExportThreadOf): LoggerProvider | undefined {
  const exporter = createLogRecordExporter(options, exportThread);
  if (!exporter) return undefined;
  return new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter })] });
}

function isLoaded(moduleName: string): boolean {
  const marker = `/node_modules/${moduleName}/`;
  return Object.keys(require.cache).some((path) => path.replace(/\\/g, '/').includes(marker));
}
