import { Inject, Injectable, Logger as NestLogger, type LoggerService, type OnModuleInit } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { TelemetryRuntime } from '../sdk/telemetry-runtime';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from '../telemetry.constants';
import { TELEMETRY_LOGGER } from './logging.constants';
import type { TelemetryLogger } from './logger.factory';

/** Reads Nest's process-wide logger, which Nest keeps in a protected static. */
class NestLoggerState extends NestLogger {
  static current(): LoggerService | undefined {
    return NestLogger.staticInstanceRef;
  }
}

/**
 * Makes nestjs-pino the application's logger (Nest's own start-up and exception logs
 * included) for the app's lifetime; `release()`, the last step of TelemetryShutdown, puts
 * Nest's previous logger back and flushes the asynchronous destination so no line is lost.
 * @internal
 */
@Injectable()
export class LoggingLifecycle implements OnModuleInit {
  private previousLogger: LoggerService | undefined;
  private overridden = false;

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(TELEMETRY_LOGGER) private readonly telemetryLogger: TelemetryLogger,
    private readonly nestLogger: Logger,
    @Inject(TELEMETRY_RUNTIME) private readonly runtime: TelemetryRuntime,
  ) {}

  onModuleInit(): void {
    // Span export trouble goes to the app's log, with its context, instead of stderr.
    this.runtime.exportMonitor?.setLogger(new NestLogger('SpanExport'));
    if (!this.options.logging.enabled) return;
    // What app.useLogger(app.get(Logger)) does, without asking every app to write it;
    // lines buffered with `bufferLogs: true` are written now, in this format.
    this.previousLogger = NestLoggerState.current();
    this.overridden = true;
    NestLogger.overrideLogger(this.nestLogger);
    NestLogger.flush();
  }

  /**
   * Called once the app's own shutdown lines (a failed span export) are written; waits at
   * most `maxWaitMillis` for the lines still on their way (a slow pipe, a busy disk).
   */
  async release(maxWaitMillis: number): Promise<void> {
    this.runtime.exportMonitor?.setLogger(undefined);
    // Only if it is still ours: another app may have taken over since.
    if (this.overridden && NestLoggerState.current() === this.nestLogger) NestLogger.overrideLogger(this.previousLogger ?? false);
    this.overridden = false;
    const destination = this.telemetryLogger.destination;
    try {
      if (destination.flushForExit) await destination.flushForExit(maxWaitMillis);
      else destination.flushSync?.();
    } catch {
      // An async destination that never opened has nothing buffered to lose.
    }
  }
}
