import type { SpanContext } from '@opentelemetry/api';
import type { RoutedRequest } from '../tracing/route-template';
import type { RequestWithTrackingId } from '../tracking-id/tracking-id';

/** An incoming request as the pipeline sees it (node's IncomingMessage, after express). @internal */
export interface ObservedRequest extends RoutedRequest, RequestWithTrackingId {
  method?: string;
  url?: string;
  originalUrl?: string;
  ip?: string;
  socket?: { remoteAddress?: string } | null;
}

/** Its response (node's ServerResponse). @internal */
export interface ObservedResponse {
  statusCode: number;
  writableFinished?: boolean;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * One finished request, computed once for every observer, so the metrics and the access
 * line can never disagree on its status or duration.
 * @publicApi
 */
export interface CompletedRequest {
  readonly request: ObservedRequest;
  readonly response: ObservedResponse;
  /** `GET`, `POST`… as the client sent it. */
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The route template (`/api/v1/items/:id`), undefined when no route matched. */
  readonly route: string | undefined;
  /** The status sent, or 499 (nginx's "client closed request") when the client went away first. */
  readonly status: number;
  /** The client closed the connection before the response was complete. */
  readonly aborted: boolean;
  /**
   * OpenTelemetry's `error.type` for a failed request (status ≥ 400, or aborted): the class
   * of the exception its route handler threw (`NotFoundException`), otherwise the status
   * (`"404"`) or `aborted`; undefined for a request that succeeded.
   */
  readonly errorType: string | undefined;
  /** The server span's duration when it was recorded, otherwise measured over the same points. */
  readonly seconds: number;
  /** The server span's context; undefined for requests without a span (no SDK, ignored path). */
  readonly spanContext: SpanContext | undefined;
  /** The request's tracking id (= trace id). */
  readonly trackingId: string | undefined;
  /**
   * The client's address as the app's `trust proxy` setting resolves it (express's `req.ip`
   * when the request came through a proxy, else the socket's), read when the response closed.
   */
  readonly clientAddress: string | undefined;
}

/**
 * Something that watches every HTTP request of an app (the HTTP metrics, the access
 * log): provided under `HTTP_REQUEST_OBSERVERS`, fed by the app's HttpRequestPipeline.
 * Observers run after the response closed, outside the request's critical path: at the end
 * of that turn of the event loop, one request after another with the turn's others, and
 * told what the request was when its response closed.
 * @publicApi
 */
export interface HttpRequestObserver {
  /** A request arrived (it has not reached express yet). */
  start?(request: ObservedRequest): void;
  /** A request ended: exactly once per `start`, whatever way it ended. */
  end(completed: CompletedRequest): void;
}
