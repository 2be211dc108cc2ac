import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { context, SpanKind } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { Observable } from 'rxjs';
import type { TelemetryRuntime } from '../sdk/telemetry-runtime';
import { TELEMETRY_RUNTIME } from '../telemetry.constants';
import { routeTemplateOf } from './route-template';
import { runInSpan } from './run-in-span';

/**
 * Opt-in: creates the `Controller.handler` span when instrumentation-nestjs-core is
 * not running (and never when it is: no duplicate span), and names the HTTP server
 * span after the route template. Register it with `@UseInterceptors(TracingInterceptor)`
 * or as `APP_INTERCEPTOR` only where you want that span: any global interceptor costs
 * Nest's interceptor pipeline on every request.
 * @publicApi
 */
@Injectable()
export class TracingInterceptor implements NestInterceptor {
  private readonly createsHandlerSpan: boolean;

  constructor(@Inject(TELEMETRY_RUNTIME) runtime: TelemetryRuntime) {
    this.createsHandlerSpan = !runtime.nestInstrumented;
  }

  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (executionContext.getType() !== 'http') return next.handle();
    const route = routeTemplateOf(executionContext.switchToHttp().getRequest());
    this.nameServerSpan(route);
    if (!this.createsHandlerSpan) return next.handle();

    const controller = executionContext.getClass().name;
    const handler = executionContext.getHandler().name;
    return runInSpan(
      `${controller}.${handler}`,
      { kind: SpanKind.INTERNAL, attributes: { [ATTR_HTTP_ROUTE]: route, 'nestjs.controller': controller, 'nestjs.callback': handler } },
      () => next.handle(),
    );
  }

  /**
   * The http instrumentation reads the route from its RPC metadata when the response
   * ends, then sets `http.route` and renames the span `{METHOD} {route}`.
   */
  protected nameServerSpan(route: string | undefined): void {
    if (route === undefined) return;
    const rpcMetadata = getRPCMetadata(context.active());
    if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = route;
  }
}
