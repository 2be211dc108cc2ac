import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import { getTelemetrySdk } from './sdk/telemetry-sdk';
import { TELEMETRY_OPTIONS } from './telemetry.constants';

const HOW_TO_START =
  "call startTelemetry(options) from '@app/telemetry/sdk' in a file imported on the first line of main.ts, " +
  "or start node with --require <dist>/libs/telemetry/src/register.js";

/**
 * Says at start-up, once and clearly, when the SDK was started too late (or never)
 * for auto-instrumentation to work: the most common silent failure of OpenTelemetry
 * in Nest apps. Flushes finished spans when the app shuts down.
 * @internal
 */
@Injectable()
export class TelemetryStartupCheck implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryModule');

  constructor(@Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions) {}

  onModuleInit(): void {
    const sdk = getTelemetrySdk();
    if (!sdk) {
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
    if (sdk.options.serviceName !== this.options.serviceName) {
      this.logger.warn(
        `startTelemetry() used serviceName "${sdk.options.serviceName}" but TelemetryModule.forRoot() has "${this.options.serviceName}": spans carry the first. Pass the same options to both.`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Flush, not shut down: another app in the same process may still be running.
    try {
      await getTelemetrySdk()?.forceFlush();
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
