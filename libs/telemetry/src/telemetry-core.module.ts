import { Module } from '@nestjs/common';
import { createTelemetryLogger } from './logging/logger.factory';
import { TELEMETRY_LOGGER } from './logging/logging.constants';
import type { TelemetryModuleOptions } from './interfaces/telemetry-module-options.interface';
import { resolveModuleOptions } from './options/module-options.resolver';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import { resolveSdkOptions } from './options/sdk-options.resolver';
import { currentTelemetryRuntime } from './sdk/start-telemetry';
import { createStandInRuntime, type TelemetryRuntime } from './sdk/telemetry-runtime';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from './telemetry.constants';
import { ConfigurableTelemetryModule, TELEMETRY_MODULE_OPTIONS } from './telemetry.module-definition';

/**
 * The runtime and the options (and what is built from them alone, the pino logger) in
 * a module of their own, so that the modules TelemetryModule imports (nestjs-pino's)
 * can inject them too, whether they came from forRoot or forRootAsync.
 * @internal
 */
@Module({
  providers: [
    {
      provide: TELEMETRY_RUNTIME,
      // The one place that reads the process's runtime; everything else injects it.
      useFactory: (options: TelemetryModuleOptions): TelemetryRuntime =>
        currentTelemetryRuntime() ?? createStandInRuntime(resolveSdkOptions(options)),
      inject: [TELEMETRY_MODULE_OPTIONS],
    },
    {
      provide: TELEMETRY_OPTIONS,
      // Validates here, so a bad or conflicting option stops NestFactory.create with a message naming it.
      useFactory: (options: TelemetryModuleOptions, runtime: TelemetryRuntime) => resolveModuleOptions(options, runtime.options),
      inject: [TELEMETRY_MODULE_OPTIONS, TELEMETRY_RUNTIME],
    },
    {
      provide: TELEMETRY_LOGGER,
      useFactory: (options: ResolvedTelemetryOptions, runtime: TelemetryRuntime) => createTelemetryLogger(options, runtime.logRecordLogger),
      inject: [TELEMETRY_OPTIONS, TELEMETRY_RUNTIME],
    },
  ],
  exports: [TELEMETRY_MODULE_OPTIONS, TELEMETRY_RUNTIME, TELEMETRY_OPTIONS, TELEMETRY_LOGGER],
})
export class TelemetryCoreModule extends ConfigurableTelemetryModule {}
