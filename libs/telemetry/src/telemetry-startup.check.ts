import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import type { TelemetryRuntime } from './sdk/telemetry-runtime';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from './telemetry.constants';

/** The two ways to start the SDK early enough. @internal */
export const HOW_TO_START =
  "call startTelemetry(options) from 'nest-telemetry/sdk' in a file imported on the first line of main.ts, " +
  'or start node with --require nest-telemetry/register';

/**
 * Says at start-up, once and clearly, when the SDK was started too late (or never)
 * for auto-instrumentation to work: the most common silent failure of OpenTelemetry
 * in Nest apps. Flushes finished spans when the app shuts down.
 * @internal
 */
@Injectable()
export class TelemetryStartupCheck implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryModule');

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(TELEMETRY_RUNTIME) private readonly runtime: TelemetryRuntime,
  ) {}

  onModuleInit(): void {
    const sdk = this.runtime;
    if (!sdk.sdkStarted) {
      if (!hasGlobalTracerProvider()) {
        this.logger.warn(
          `OpenTelemetry SDK not started: no spans are recorded and tracking ids are not trace ids of a real trace. To fix it, ${HOW_TO_START}.`,
        );
      }
      return;
    }
    if (sdk.loadedTooEarly.length > 0) {
      this.logger.warn(
        `OpenTelemetry SDK started after ${sdk.loadedTooEarly.join(', ')} was loaded: the Nest controller spans (and express spans, if enabled) are missing. To fix it, ${HOW_TO_START}, before anything imports @nestjs/core.`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Flush, not shut down: another app in the same process may still be running.
    try {
      await this.runtime.forceFlush();
    } catch (error) {
      // A collector that is down must not turn a clean shutdown into a crash.
      const target = this.options.otlpTracesUrl ?? this.options.traceExporter;
      this.logger.warn(`could not export the last spans to ${target}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** True when someone registered a tracer provider of their own (their own NodeSDK, a test). */
function hasGlobalTracerProvider(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate().constructor.name !== 'NoopTracerProvider';
}
