import { Inject, Injectable, Logger as NestLogger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { observeAppServer } from '../http/http-request-observer';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { AccessLog } from './access-log';
import { TELEMETRY_LOGGER } from './logging.constants';
import type { TelemetryLogger } from './logger.factory';

/**
 * Makes nestjs-pino the application's logger (Nest's own start-up and exception
 * logs included), hangs the access log on the app's server, and flushes the
 * asynchronous destination on shutdown so no line is lost.
 * @internal
 */
@Injectable()
export class LoggingLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly accessLog: AccessLog;
  private stopObserving: (() => void) | undefined;

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(TELEMETRY_LOGGER) private readonly telemetryLogger: TelemetryLogger,
    private readonly nestLogger: Logger,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.accessLog = new AccessLog(telemetryLogger.logger, options.logging);
  }

  onModuleInit(): void {
    if (!this.options.logging.enabled) return;
    // What app.useLogger(app.get(Logger)) does, without asking every app to write it;
    // lines buffered with `bufferLogs: true` are written now, in this format.
    NestLogger.overrideLogger(this.nestLogger);
    NestLogger.flush();
  }

  onApplicationBootstrap(): void {
    if (!this.options.logging.enabled || !this.options.logging.accessLog) return;
    this.stopObserving = observeAppServer(this.adapterHost, this.accessLog);
  }

  onApplicationShutdown(): void {
    this.stopObserving?.();
    try {
      this.telemetryLogger.destination.flushSync?.();
    } catch {
      // An async destination that never opened has nothing buffered to lose.
    }
  }
}
