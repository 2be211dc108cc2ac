import type { Span, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { pathOfUrl } from '../sdk/ignored-paths';
import { routeTemplateOf } from '../tracing/route-template';
import type { CompletedRequest, HttpRequestObserver, ObservedRequest, ObservedResponse } from './http-request-observer.interface';
import { CLIENT_CLOSED_REQUEST } from './http.constants';
import type { HandlerErrorSlot } from './handler-error';
import { endServerSpan, type ServerSpan } from './server-span';
import { endAtTurnEnd } from './turn-end-observations';

/** What a request's observation is told besides the request and response (a class: see ServerSpan). @internal */
export class ObservationContext {
  constructor(
    /** The request's server span: ours to end, or one a foreign instrumentation made. */
    readonly span: Span | undefined,
    readonly trackingId: string | undefined,
    readonly onObserverError: (error: unknown) => void,
    /** The server span the pipeline started, when it did: the observation ends it. */
    readonly ownSpan?: ServerSpan,
    /** Where the class of an error the handler threw is left (recordHandlerError). */
    readonly handlerErrorSlot?: HandlerErrorSlot,
  ) {}
}

/** Where a response holds its observation, for the one 'close' listener all responses share. */
const OBSERVATION = Symbol('nest-telemetry.observation');

type ObservingResponse = ObservedResponse & { [OBSERVATION]?: RequestObservation };

/**
 * Tells the observation of the response it is called on that the response closed. One
 * function for every response, where a closure per request and `once`'s wrapper around it
 * cost about 450 bytes a request (`npm run bench:request-pipeline`). The response lets go
 * of the observation here, so a response object kept alive afterwards does not keep the
 * span and the request with it.
 */
function responseClosed(this: ObservingResponse): void {
  const observation = this[OBSERVATION];
  this[OBSERVATION] = undefined;
  observation?.closed();
}

/**
 * One request's observation, from its arrival to the response's `'close'`, which node
 * emits exactly once however the response ended: finished, aborted by the client, or
 * failed with an `'error'`. The observation ends at the end of that turn of the event
 * loop, with the turn's other closed requests (endAtTurnEnd), as of the time the response
 * closed. `endSpan()` is idempotent, so an observer's `start` is always paired with exactly
 * one `end`. When the pipeline started the request's server span, the observation ends it
 * too, first, so observers get the span's exact duration.
 * @internal
 */
export class RequestObservation {
  /** When the response closed (`performance.now()`): the span's end, though the observation ends later in the turn. */
  private closedAt = 0;
  /** Read at the close too: express resolves it from app settings that may change before the turn ends. */
  private clientAddress: string | undefined;
  private ended = false;
  /** What the observers are told, from `endSpan` to the last observer's `tell`. */
  private completed: CompletedRequest | undefined;

  constructor(
    private readonly request: ObservedRequest,
    private readonly response: ObservedResponse,
    private readonly observers: readonly HttpRequestObserver[],
    private readonly context: ObservationContext,
    /** When the request arrived (`performance.now()`). */
    private readonly startedAt = performance.now(),
  ) {}

  /** Tells the observers the request arrived, and ends the observation on `'close'`. */
  start(): void {
    for (const observer of this.observers) {
      try {
        observer.start?.(this.request);
      } catch (error) {
        this.context.onObserverError(error);
      }
    }
    const response = this.response as ObservingResponse;
    response[OBSERVATION] = this;
    response.on('close', responseClosed);
  }

  /** The response closed: the observation ends at the end of this turn, as of now. */
  closed(): void {
    this.closedAt = performance.now();
    this.clientAddress = clientAddressOf(this.request);
    endAtTurnEnd(this);
  }

  /**
   * The first step of ending (endAtTurnEnd ends a turn's observations one step at a time):
   * ends the span, and makes what the observers are told. Only the first call does; never
   * throws, as nothing in the batch of a turn's ends may.
   */
  endSpan(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.completed = this.complete();
    } catch (error) {
      // A span processor of the app's that throws from onEnd: the observers get nothing to report.
      this.context.onObserverError(error);
    }
  }

  /**
   * Tells the `part`-th observer (the HTTP metrics, then the access log) that the request
   * ended, after `endSpan`; false when there is no such observer or nothing to tell. Never
   * throws: an observer's error is reported, once for the app.
   */
  tell(part: number): boolean {
    const completed = this.completed;
    if (completed === undefined || part >= this.observers.length) {
      this.completed = undefined;
      return false;
    }
    try {
      this.observers[part].end(completed);
    } catch (error) {
      this.context.onObserverError(error);
    }
    return true;
  }

  private complete(): CompletedRequest {
    const { request, response } = this;
    const url = request.originalUrl ?? request.url ?? '/';
    const aborted = response.writableFinished === false;
    const method = request.method ?? 'GET';
    const { span, ownSpan, handlerErrorSlot, trackingId } = this.context;
    // Express leaves the matched route on the request; other adapters leave it, through
    // route-aware code, on the span's RPC metadata.
    const route = routeTemplateOf(request) ?? ownSpan?.rpcMetadata.route;
    const status = aborted ? CLIENT_CLOSED_REQUEST : response.statusCode;
    const errorType = aborted ? 'aborted' : status >= 400 ? (handlerErrorSlot?.handlerError ?? String(status)) : undefined;
    // Ended only after `closed()` (endAtTurnEnd): the close's time and client address are set.
    const endedAt = this.closedAt;
    if (ownSpan) endServerSpan(ownSpan.span, method, route, status, aborted, errorType, endedAt);
    return new Completed(
      request,
      response,
      method,
      pathOfUrl(url),
      route,
      status,
      aborted,
      errorType,
      // A recorded span has ended by now (ours just above; the http instrumentation's in
      // its own 'close' listener, registered before this one): its duration is final.
      durationOf(span) ?? (endedAt - this.startedAt) / 1000,
      span?.spanContext(),
      trackingId,
      this.clientAddress,
    );
  }
}

/**
 * The client's address as express's `trust proxy` setting resolves it. Without
 * X-Forwarded-For, `req.ip` is the socket's address whatever that setting says; reading
 * it directly skips parsing the forwarding chain (2 µs a request).
 */
function clientAddressOf(request: ObservedRequest): string | undefined {
  return request.headers['x-forwarded-for'] === undefined ? request.socket?.remoteAddress : (request.ip ?? request.socket?.remoteAddress);
}

/** A recorded span's duration in seconds, once it has ended (an unsampled span has none). */
function durationOf(span: Span | undefined): number | undefined {
  const { duration, ended } = (span ?? {}) as Partial<Pick<ReadableSpan, 'duration' | 'ended'>>;
  return ended && duration ? duration[0] + duration[1] / 1e9 : undefined;
}

/** A completed request as the observers get it (a class: see ServerSpan; it holds the request, the response and the span's context). */
class Completed implements CompletedRequest {
  constructor(
    readonly request: ObservedRequest,
    readonly response: ObservedResponse,
    readonly method: string,
    readonly path: string,
    readonly route: string | undefined,
    readonly status: number,
    readonly aborted: boolean,
    readonly errorType: string | undefined,
    readonly seconds: number,
    readonly spanContext: SpanContext | undefined,
    readonly trackingId: string | undefined,
    readonly clientAddress: string | undefined,
  ) {}
}
