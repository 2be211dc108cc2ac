import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { resolveTelemetryOptions } from './options/telemetry-options.resolver';
import { TELEMETRY_OPTIONS } from './telemetry.constants';
import {
  ConfigurableTelemetryModule,
  TELEMETRY_MODULE_OPTIONS,
  TELEMETRY_OPTIONS_TYPE,
} from './telemetry.module-definition';
import { TelemetryStartupCheck } from './telemetry-startup.check';
import { TraceService } from './tracing/trace.service';
import { TracingInterceptor } from './tracing/tracing.interceptor';
import { TrackingIdMiddleware } from './tracking-id/tracking-id.middleware';

/**
 * Correlated traces for a Nest app: a tracking id (= trace id) on every response,
 * route-named server spans, `@Traced()` and `TraceService`.
 *
 * `TelemetryModule.forRoot(options)` or `TelemetryModule.forRootAsync({ useFactory, inject })`;
 * global by default (`isGlobal: false` to scope it).
 * @publicApi
 */
@Module({
  providers: [
    {
      provide: TELEMETRY_OPTIONS,
      // Validates here, so a bad option stops NestFactory.create with a message naming it.
      useFactory: resolveTelemetryOptions,
      inject: [TELEMETRY_MODULE_OPTIONS],
    },
    TraceService,
    TrackingIdMiddleware,
    TelemetryStartupCheck,
    { provide: APP_INTERCEPTOR, useClass: TracingInterceptor },
  ],
  exports: [TELEMETRY_OPTIONS, TraceService],
})
export class TelemetryModule extends ConfigurableTelemetryModule implements NestModule {
  /** `forRoot()` with no argument runs on `OTEL_*` variables and defaults. */
  static override forRoot(options: typeof TELEMETRY_OPTIONS_TYPE = {}) {
    return super.forRoot(options);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TrackingIdMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
