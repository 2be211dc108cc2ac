import { Module } from '@nestjs/common';
import { createTelemetryLogger } from './logging/logger.factory';
import { TELEMETRY_LOGGER } from './logging/logging.constants';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import { resolveTelemetryOptions } from './options/telemetry-options.resolver';
import { TELEMETRY_OPTIONS } from './telemetry.constants';
import { ConfigurableTelemetryModule, TELEMETRY_MODULE_OPTIONS } from './telemetry.module-definition';

/**
 * The options (and what is built from them alone, the pino logger) in a module of
 * their own, so that the modules TelemetryModule imports (nestjs-pino's) can inject
 * them too, whether they came from forRoot or forRootAsync.
 * @internal
 */
@Module({
  providers: [
    {
      provide: TELEMETRY_OPTIONS,
      // Validates here, so a bad option stops NestFactory.create with a message naming it.
      useFactory: resolveTelemetryOptions,
      inject: [TELEMETRY_MODULE_OPTIONS],
    },
    {
      provide: TELEMETRY_LOGGER,
      useFactory: (options: ResolvedTelemetryOptions) => createTelemetryLogger(options),
      inject: [TELEMETRY_OPTIONS],
    },
  ],
  exports: [TELEMETRY_MODULE_OPTIONS, TELEMETRY_OPTIONS, TELEMETRY_LOGGER],
})
export class TelemetryCoreModule extends ConfigurableTelemetryModule {}
