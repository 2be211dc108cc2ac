import type { HttpAdapterHost } from '@nestjs/core';
import type { SpanContext } from '@opentelemetry/api';
import type { RoutedRequest } from '../tracing/route-template';

/** An incoming request as the observers see it (node's IncomingMessage, after express). @internal */
export interface ObservedRequest extends RoutedRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string; server?: ObservedServer } | null;
}

/** Its response (node's ServerResponse). @internal */
export interface ObservedResponse {
  statusCode: number;
  writableFinished?: boolean;
  getHeader(name: string): unknown;
}

/**
 * Something that watches every HTTP request of an app: the HTTP metrics, the access
 * log. Observers hang on the app's `http.Server`, where the http instrumentation's
 * hooks (process-wide) find the right app's observers for each request.
 * @internal
 */
export interface HttpRequestObserver {
  start(request: ObservedRequest): void;
  /** `seconds` is the server span's duration; `spanContext` is absent without tracing. */
  end(request: ObservedRequest, response: ObservedResponse, seconds: number, spanContext?: SpanContext): void;
}

const OBSERVERS_KEY = Symbol.for('nest-telemetry.http-observers');

/** When the request started (`performance.now()`), on the request and then the response. @internal */
export const REQUEST_START_KEY = Symbol.for('nest-telemetry.request-start');

/** An `http.Server` with observers attached. @internal */
export interface ObservedServer {
  [OBSERVERS_KEY]?: HttpRequestObserver[];
}

/** @internal */
export function observersOf(request: ObservedRequest): readonly HttpRequestObserver[] | undefined {
  return request.socket?.server?.[OBSERVERS_KEY];
}

/**
 * Hangs an observer on the app's `http.Server` (if the app has one: a testing module
 * without an HTTP app has none). Returns what takes it off again, for shutdown.
 * @internal
 */
export function observeAppServer(adapterHost: HttpAdapterHost, observer: HttpRequestObserver): () => void {
  const server = adapterHost.httpAdapter?.getHttpServer() as ObservedServer | undefined;
  if (!server) return () => undefined;
  server[OBSERVERS_KEY] = [...(server[OBSERVERS_KEY] ?? []), observer];
  return () => {
    const remaining = (server[OBSERVERS_KEY] ?? []).filter((attached) => attached !== observer);
    if (remaining.length > 0) server[OBSERVERS_KEY] = remaining;
    else delete server[OBSERVERS_KEY];
  };
}
