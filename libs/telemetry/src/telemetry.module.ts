import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { resolveTelemetryOptions } from './options/telemetry-options.resolver';
import { TELEMETRY_OPTIONS } from './telemetry.constants';
import {
  ConfigurableTelemetryModule,
  TELEMETRY_MODULE_OPTIONS,
  TELEMETRY_OPTIONS_TYPE,
} from './telemetry.module-definition';
import { TelemetryStartupCheck } from './telemetry-startup.check';
import { TraceService } from './tracing/trace.service';
import { TrackingIdMiddleware } from './tracking-id/tracking-id.middleware';

/**
 * Correlated traces for a Nest app: a tracking id (= trace id) on every response,
 * route-named server spans, `@Traced()` and `TraceService`.
 *
 * It registers no global interceptor on purpose: Nest's interceptor pipeline alone
 * halves the throughput of a small handler (bench/http-overhead.js), so request-level
 * work happens in the http instrumentation hooks and one middleware instead.
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
