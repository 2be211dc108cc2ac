import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { createPathMatcher } from '../sdk/ignored-paths';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { assignTrackingId } from '../tracking-id/tracking-id';
import type { HttpRequestObserver, ObservedRequest, ObservedResponse } from './http-request-observer.interface';
import { HTTP_REQUEST_OBSERVERS } from './http.constants';
import { RequestObservation } from './request-observation';

interface ObservedServer {
  prependListener(event: 'request', listener: (request: ObservedRequest, response: ObservedResponse) => void): unknown;
  removeListener(event: 'request', listener: (request: ObservedRequest, response: ObservedResponse) => void): unknown;
}

/**
 * The app's side of the request pipeline: a `'request'` listener on the app's own
 * `http.Server`, called before express (inside the server span when the SDK's http
 * instrumentation made one), so every request is seen, body-parser errors and
 * unmatched routes included, with or without an SDK. It gives the request its
 * tracking id and hands one RequestObservation per request to the observers
 * (`HTTP_REQUEST_OBSERVERS`); ignored paths get a tracking id and nothing else.
 * @internal
 */
@Injectable()
export class HttpRequestPipeline implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryModule');
  private readonly isIgnored: (url: string | undefined) => boolean;
  private server: ObservedServer | undefined;
  private observerFailed = false;

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(HTTP_REQUEST_OBSERVERS) private readonly observers: readonly HttpRequestObserver[],
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.isIgnored = createPathMatcher(options.ignorePaths);
  }

  onApplicationBootstrap(): void {
    // A testing module without an HTTP app has no server: nothing to observe.
    this.server = this.adapterHost.httpAdapter?.getHttpServer() as ObservedServer | undefined;
    this.server?.prependListener('request', this.onRequest);
  }

  onApplicationShutdown(): void {
    this.server?.removeListener('request', this.onRequest);
    this.server = undefined;
  }

  private readonly onRequest = (request: ObservedRequest, response: ObservedResponse): void => {
    try {
      const trackingId = assignTrackingId(request, response, this.options.trackingIdHeader);
      if (this.observers.length === 0 || this.isIgnored(request.url)) return;
      new RequestObservation(request, response, this.observers, trace.getActiveSpan(), trackingId, this.reportObserverError).start();
    } catch (error) {
      // Telemetry never fails a request.
      this.reportObserverError(error);
    }
  };

  // Once per app: a failing observer fails the same way on every request.
  private readonly reportObserverError = (error: unknown): void => {
    if (this.observerFailed) return;
    this.observerFailed = true;
    this.logger.error(`an HTTP request observer failed (reported once): ${error instanceof Error ? error.stack : String(error)}`);
  };
}
