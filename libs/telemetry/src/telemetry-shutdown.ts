import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { endQueuedObservations } from './http/turn-end-observations';
import { LoggingLifecycle } from './logging/logging.lifecycle';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import type { TelemetryRuntime } from './sdk/telemetry-runtime';
import { withDeadline } from './sdk/with-deadline';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from './telemetry.constants';

/** Past the deadline, the log lines in flight get this long before the forced exit. */
const FORCED_EXIT_LOG_WAIT_MILLIS = 200;
/** Time kept for the process to exit once the log lines are written. */
const EXIT_MILLIS = 50;
/** Time kept after the span flush: at least the log flush's, and the exit. */
const EXIT_MARGIN_MILLIS = FORCED_EXIT_LOG_WAIT_MILLIS + EXIT_MILLIS;

/**
 * The app's telemetry shutdown, in the one order that loses nothing. Nest closes the
 * HTTP server (no new connections, in-flight requests finish) before
 * `onApplicationShutdown`, so when it runs every response's span has ended: export them
 * (a collector that is down or hangs costs a warning, never more than the deadline),
 * then hand Nest its logger back and flush the log destination, the warning included.
 *
 * On a signal (`enableShutdownHooks()`), `shutdownTimeoutMillis` bounds the whole
 * shutdown: past it, the log lines are flushed and the process exits with code 1 rather
 * than hang (an in-flight request that never ends, a hook that never returns).
 * @internal
 */
@Injectable()
export class TelemetryShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryModule');
  private startedAt: number | undefined;
  private forcedExit: NodeJS.Timeout | undefined;

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(TELEMETRY_RUNTIME) private readonly runtime: TelemetryRuntime,
    private readonly logging: LoggingLifecycle,
  ) {}

  beforeApplicationShutdown(signal?: string): void {
    this.startedAt = Date.now();
    if (signal === undefined) return;
    const timeout = this.options.shutdownTimeoutMillis;
    this.forcedExit = setTimeout(() => {
      this.logger.error(`shutdown on ${signal} did not finish within ${timeout} ms (shutdownTimeoutMillis): exiting now`);
      void this.logging.release(FORCED_EXIT_LOG_WAIT_MILLIS).finally(() => process.exit(1));
    }, timeout);
    this.forcedExit.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    // The spans and access lines of the last responses, whose turn may not have ended.
    endQueuedObservations();
    const budget = Math.max(0, this.millisLeft() - EXIT_MARGIN_MILLIS);
    // Flush, not shut down: another app in the same process may still be running.
    try {
      await withDeadline(this.runtime.forceFlush(), budget, 'the span export');
    } catch (error) {
      const target = this.options.otlpTracesUrl ?? this.options.traceExporter;
      const queued = this.runtime.exportMonitor?.stats().queued;
      const lost = queued ? ` (${queued} spans still queued are lost)` : '';
      this.logger.warn(`could not export the last spans to ${target}: ${error instanceof Error ? error.message : String(error)}${lost}`);
    } finally {
      clearTimeout(this.forcedExit);
      // The log lines get what is left of the deadline: a backlog on a slow pipe may need it.
      await this.logging.release(Math.max(FORCED_EXIT_LOG_WAIT_MILLIS, this.millisLeft() - EXIT_MILLIS));
    }
  }

  /** What is left of `shutdownTimeoutMillis` since the shutdown began. */
  private millisLeft(): number {
    return this.options.shutdownTimeoutMillis - (this.startedAt === undefined ? 0 : Date.now() - this.startedAt);
  }
}
