import type { Logger as LogRecordLogger } from '@opentelemetry/api';
import type { ResolvedSdkOptions } from '../options/resolved-telemetry-options.interface';
import type { SpanExportMonitor } from './span-export-monitor';

/**
 * The process-level side of telemetry: what `startTelemetry()` started (or the stand-in
 * when nothing was), handed to `TelemetryModule` through the `TELEMETRY_RUNTIME` token.
 * OpenTelemetry registers global providers and patches modules once per process, so
 * there is one runtime per process and any number of apps reading it.
 * @publicApi
 */
export interface TelemetryRuntime {
  /** The SDK-level options in force: identity, export, sampling, tracking id header, ignored paths. */
  readonly options: ResolvedSdkOptions;
  /** False for the stand-in: no SDK, no spans, tracking ids still issued. */
  readonly sdkStarted: boolean;
  /** True when `OTEL_SDK_DISABLED=true` kept `startTelemetry()` from starting the SDK. */
  readonly sdkDisabled?: boolean;
  /** Modules already loaded when the SDK started: auto-instrumentation misses them. */
  readonly loadedTooEarly: readonly string[];
  /** True when instrumentation-nestjs-core is running and patched `@nestjs/core` in time. */
  readonly nestInstrumented: boolean;
  /** What span export did so far (exported, failed, dropped, queued); absent when spans are not batched for export. */
  readonly exportMonitor?: SpanExportMonitor;
  /** Where log lines go as OTLP log records, when `logsExporter` is `otlp`. */
  readonly logRecordLogger?: LogRecordLogger;
  /** Exports every finished span now (before a test asserts, or before exit). */
  forceFlush(): Promise<void>;
  /**
   * Flushes and stops the SDK, unpatches the instrumentations and unregisters the global
   * providers, so `startTelemetry()` can start a new runtime afterwards.
   */
  shutdown(): Promise<void>;
}

/**
 * The runtime of a process where `startTelemetry()` was never called: the module still
 * issues tracking ids, serves metrics and writes logs, from its own options.
 * @internal
 */
export function createStandInRuntime(options: ResolvedSdkOptions): TelemetryRuntime {
  return {
    options,
    sdkStarted: false,
    loadedTooEarly: [],
    nestInstrumented: false,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
