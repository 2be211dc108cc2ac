import { diag } from '@opentelemetry/api';
import {
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TelemetryModuleOptions } from '../interfaces/telemetry-module-options.interface';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { resolveTelemetryOptions } from '../options/telemetry-options.resolver';
import { createInstrumentations } from './instrumentations.factory';
import { createSpanExporter } from './span-exporter.factory';

/** Modules that auto-instrumentation can only patch if they load after the SDK starts. */
const MUST_LOAD_AFTER_SDK = ['@nestjs/core', '@nestjs/platform-express', 'express'];

/** A started SDK and what is known about its start. @publicApi */
export interface TelemetrySdk {
  readonly options: ResolvedTelemetryOptions;
  /** Modules already loaded when the SDK started: auto-instrumentation misses them. */
  readonly loadedTooEarly: readonly string[];
  /** Exports every finished span now (before a test asserts, or before exit). */
  forceFlush(): Promise<void>;
  /** Flushes and stops the SDK; later spans are dropped. */
  shutdown(): Promise<void>;
}

// The SDK is process-global by nature (OpenTelemetry registers global providers and
// patches modules once), so its handle is too.
let current: TelemetrySdk | undefined;

/**
 * Starts the OpenTelemetry Node SDK. Call it before `@nestjs/core`, `express` or
 * `http` are loaded (first line of `main.ts`, through a file of its own, or with
 * `node --require @app/telemetry/register`): auto-instrumentation patches modules
 * as they load and silently misses those loaded before.
 *
 * Calling it again returns the SDK already started.
 * @throws InvalidTelemetryOptionsError when an option is invalid
 * @publicApi
 */
export function startTelemetry(options: TelemetryModuleOptions = {}): TelemetrySdk {
  if (current) return current;
  const resolved = resolveTelemetryOptions(options);
  const loadedTooEarly = MUST_LOAD_AFTER_SDK.filter(isLoaded);
  const spanProcessor = createSpanProcessor(resolved);

  const sdk = new NodeSDK({
    // OTEL_RESOURCE_ATTRIBUTES first, then the options over it: an option always wins.
    resource: resourceFromAttributes({
      ...envDetector.detect().attributes,
      ...resolved.resourceAttributes,
      [ATTR_SERVICE_NAME]: resolved.serviceName,
      [ATTR_SERVICE_VERSION]: resolved.serviceVersion,
      'deployment.environment.name': resolved.environment,
      'service.namespace': resolved.project,
    }),
    // The environment detector is applied above, under the options, not over them.
    resourceDetectors: [hostDetector, osDetector, processDetector, serviceInstanceIdDetector],
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(resolved.samplingRatio) }),
    spanProcessors: [spanProcessor],
    instrumentations: createInstrumentations(resolved),
    // Metrics go through Prometheus and logs through pino: no OTLP metric or log pipelines.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  const started: TelemetrySdk = {
    options: resolved,
    loadedTooEarly,
    forceFlush: () => spanProcessor.forceFlush(),
    shutdown: () => {
      stopped ??= sdk.shutdown().catch((error: unknown) => diag.error('nest-telemetry: SDK shutdown failed', error));
      return stopped;
    },
  };
  current = started;
  return started;
}

/** The SDK started by `startTelemetry()`, if any. @publicApi */
export function getTelemetrySdk(): TelemetrySdk | undefined {
  return current;
}

function createSpanProcessor(options: ResolvedTelemetryOptions): SpanProcessor {
  const exporter = createSpanExporter(options);
  // Without an exporter spans are still created, so every request has a trace id to
  // return and propagate; they are simply not sent anywhere.
  if (!exporter) return new NoopSpanProcessor();
  return options.batch ? new BatchSpanProcessor({ ...options.batchOptions, exporter }) : new SimpleSpanProcessor({ exporter });
}

function isLoaded(moduleName: string): boolean {
  const marker = `/node_modules/${moduleName}/`;
  return Object.keys(require.cache).some((path) => path.replace(/\\/g, '/').includes(marker));
}
