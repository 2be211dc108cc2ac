import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { LoggingLifecycle } from './logging/logging.lifecycle';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import type { TelemetryRuntime } from './sdk/telemetry-runtime';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from './telemetry.constants';

/**
 * The app's telemetry shutdown, in the one order that loses nothing: export the finished
 * spans (a collector that is down is a warning, not a crash), then hand Nest its logger
 * back and flush the log destination, so the warning itself is written in this format.
 * @internal
 */
@Injectable()
export class TelemetryShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryModule');

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(TELEMETRY_RUNTIME) private readonly runtime: TelemetryRuntime,
    private readonly logging: LoggingLifecycle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // Flush, not shut down: another app in the same process may still be running.
    try {
      await this.runtime.forceFlush();
    } catch (error) {
      const target = this.options.otlpTracesUrl ?? this.options.traceExporter;
      this.logger.warn(`could not export the last spans to ${target}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.logging.release();
    }
  }
}
