import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { context, trace, type Context } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { formatTraceparent } from '../propagation/traceparent';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { createQuerylessPathMatcher, pathOfUrl } from '../sdk/ignored-paths';
import { sampledHeaders } from '../options/sampling-options.resolver';
import { hasGlobalTracerProvider } from '../sdk/global-tracer-provider';
import { samplerReadsAttributes } from '../sdk/rule-based.sampler';
import type { TelemetryRuntime } from '../sdk/telemetry-runtime';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from '../telemetry.constants';
import { assignServerSpanTrackingId, assignTrackingId, newTrackingId, untracedRequestStorage, type UntracedRequest } from '../tracking-id/tracking-id';
import type { HttpRequestObserver, ObservedRequest, ObservedResponse } from './http-request-observer.interface';
import { HTTP_REQUEST_OBSERVERS } from './http.constants';
import { ObservationContext, RequestObservation } from './request-observation';
import { startServerSpan, suppressedContext } from './server-span';

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/** As body parsers decide it (type-is `hasBody`): a length, or chunked transfer. */
function hasBody(request: ObservedRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** How one request is handled: in which context, observed by what, and its store when it has no span (a class: see ServerSpan). */
class Handling {
  constructor(
    readonly context: Context,
    readonly observation?: RequestObservation,
    readonly untraced?: UntracedRequest,
  ) {}
}
interface ObservedServer {
  emit: Emit;
  prependListener(event: 'request', listener: (request: ObservedRequest, response: ObservedResponse) => void): unknown;
  removeListener(event: 'request' | 'clientError', listener: (...args: never[]) => void): unknown;
  on(event: 'clientError', listener: (error: Error & { code?: string }, socket: Duplex) => void): unknown;
  listenerCount(event: string): number;
}

/**
 * Whether the pipeline wraps the app's server (`emit`), and so runs every request in its
 * store (its span, or `untracedRequestStorage`); where a foreign instrumentation already
 * wraps `http` servers, it only observes.
 * @internal
 */
export function wrapsServerEmit(options: Pick<ResolvedTelemetryOptions, 'instrumentations'>): boolean {
  return options.instrumentations.http && !isWrapped(Server.prototype.emit);
}

// What Node answers a request its parser rejected, by parser error code (as its own default handler does).
const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Every request of the app, from the moment its server emits it, before express: the
 * SERVER span (continuing a `traceparent`, active for the whole handling), the tracking
 * id on the response and the span, and one RequestObservation that ends the span and
 * feeds the observers (`HTTP_REQUEST_OBSERVERS`: metrics, access log) when the response
 * closes. Ignored paths get a tracking id and nothing else, with tracing suppressed.
 *
 * It wraps `emit` on the app's own `http.Server` instance, not `Server.prototype`: apps
 * sharing a process never mix, and nothing global is patched. Where a tracer provider of
 * the user's own already instruments `http` servers, it leaves the span to that and only
 * observes, from a prepended `'request'` listener.
 * @internal
 */
@Injectable()
export class HttpRequestPipeline implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryModule');
  /** Whether a path (a URL cut at its query string, pathOfUrl) is one of `ignorePaths`. */
  private readonly isIgnoredPath: (path: string) => boolean;
  /** Request headers the sampling rules decide on, captured on the server span. */
  private readonly sampledHeaders: readonly string[];
  private server: ObservedServer | undefined;
  private originalEmit: Emit | undefined;
  private observerFailed = false;
  private handlesClientErrors = false;
  /** Shutting down: each response closes its connection, so keep-alive clients go elsewhere. */
  private draining = false;
  /** Whether spans can be recorded at all: without a tracer provider they are no-ops, not worth starting. */
  private readonly tracing: boolean;
  /** Whether the sampler may read a span's attributes: only the SDK this library started has a sampler it knows. */
  private readonly samplerReadsAttributes: boolean;

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(TELEMETRY_RUNTIME) runtime: TelemetryRuntime,
    @Inject(HTTP_REQUEST_OBSERVERS) private readonly observers: readonly HttpRequestObserver[],
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.isIgnoredPath = createQuerylessPathMatcher(options.ignorePaths);
    this.sampledHeaders = sampledHeaders(options.sampling);
    this.tracing = runtime.sdkStarted || hasGlobalTracerProvider();
    this.samplerReadsAttributes = !runtime.sdkStarted || samplerReadsAttributes(options.sampling);
  }

  onApplicationBootstrap(): void {
    // A testing module without an HTTP app has no server: nothing to observe.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as ObservedServer | undefined;
    if (!server) return;
    this.server = server;
    // Only where the app has no handler of its own: Node's default one then stands aside.
    if (server.listenerCount('clientError') === 0) {
      server.on('clientError', this.rejectMalformedRequest);
      this.handlesClientErrors = true;
    }
    if (wrapsServerEmit(this.options)) {
      const emit = server.emit;
      this.originalEmit = emit;
      const handle = this.handle.bind(this);
      server.emit = function (this: ObservedServer, event, ...args) {
        return event === 'request' ? handle(this, emit, args[0] as ObservedRequest, args[1] as ObservedResponse) : emit.call(this, event, ...args);
      };
    } else {
      server.prependListener('request', this.observe);
    }
  }

  /**
   * Nest closes the server next, which refuses new connections but keeps serving new
   * requests on open keep-alive ones; `Connection: close` on every response from now on
   * ends those, so the server drains and closes instead of serving until it is killed.
   */
  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  onApplicationShutdown(): void {
    if (this.originalEmit) this.server!.emit = this.originalEmit;
    else this.server?.removeListener('request', this.observe);
    if (this.handlesClientErrors) this.server?.removeListener('clientError', this.rejectMalformedRequest);
    this.handlesClientErrors = false;
    this.server = undefined;
    this.originalEmit = undefined;
  }

  private handle(server: ObservedServer, emit: Emit, request: ObservedRequest, response: ObservedResponse): boolean {
    if (this.draining) response.setHeader('Connection', 'close');
    const dispatch = () => emit.call(server, 'request', request, response);
    let handling: Handling | undefined;
    try {
      handling = this.begin(request, response);
    } catch (error) {
      // Telemetry never fails a request.
      this.reportObserverError(error);
    }
    if (!handling) return dispatch();
    handling.observation?.start();
    if (handling.untraced !== undefined) {
      // No span carries the id: business code reads it from here (TraceService, @TrackingId()).
      return untracedRequestStorage.run(handling.untraced, () => context.with(handling.context, dispatch));
    }
    return context.with(handling.context, dispatch);
  }

  private begin(request: ObservedRequest, response: ObservedResponse): Handling {
    const url = request.url ?? '/';
    const header = this.options.trackingIdHeader;
    const path = pathOfUrl(url);
    if (this.isIgnoredPath(path)) return new Handling(suppressedContext(), undefined, { trackingId: assignTrackingId(request, response, header) });
    // One reading of the clock for the span's start and the observation's.
    const startedAt = performance.now();
    const started = this.tracing ? startServerSpan(request, path, this.sampledHeaders, this.samplerReadsAttributes, startedAt) : undefined;
    // A span without a trace id (no SDK behind the tracer) carries nothing: the request gets an id of its own.
    const spanContext = started?.validSpanContext();
    const serverSpan = spanContext !== undefined ? started : undefined;
    const trackingId = serverSpan
      ? assignServerSpanTrackingId(request, response, header, serverSpan.span, spanContext!.traceId)
      : assignTrackingId(request, response, header);
    if (serverSpan && this.options.serverTiming) {
      response.setHeader('Server-Timing', `traceparent;desc="${formatTraceparent(spanContext!, spanContext!.traceFlags)}"`);
    }
    // Without a span, the request's store keeps what the span would: the id, and the class of a handler's error.
    const untraced: UntracedRequest | undefined = serverSpan ? undefined : { trackingId };
    const observation = new RequestObservation(
      request,
      response,
      this.observers,
      new ObservationContext(serverSpan?.span, trackingId, this.reportObserverError, serverSpan, serverSpan?.rpcMetadata ?? untraced),
      startedAt,
    );
    if (!serverSpan) return new Handling(context.active(), observation, untraced);
    // A body can arrive in later socket reads: its listeners (body parsers) are bound to
    // the span, as the http instrumentation binds them, so no runtime's context
    // propagation is relied on. (The test of this keeps passing without the binding on Node
    // 24, with and without AsyncContextFrame: Node already carries the context there.) A
    // request without a body is handled synchronously from here, and the response's events
    // follow its writes, which carry the context they were made in (the test checks a
    // 'finish' listener); binding them too would cost a wrapper per listener.
    if (hasBody(request)) context.bind(serverSpan.context, request as never);
    return new Handling(serverSpan.context, observation);
  }

  /**
   * A request Node's HTTP parser rejected (a header with CR, LF or control characters, one
   * over the size limit, a broken request line) never reaches the app. It still gets
   * Node's status, a tracking id and a log line, so a client sees the same contract on
   * every response and the rejection can be found.
   */
  private readonly rejectMalformedRequest = (error: Error & { code?: string }, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
    const trackingId = newTrackingId();
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n${this.options.trackingIdHeader}: ${trackingId}\r\n\r\n`,
    );
    // The code names the rule broken; the raw bytes (error.rawPacket) are the client's and stay out of the log.
    this.logger.warn(`rejected a malformed HTTP request with ${status}: ${error.code ?? error.name} (tracking id ${trackingId})`);
  };

  /** For servers a foreign instrumentation already spans: observe only. */
  private readonly observe = (request: ObservedRequest, response: ObservedResponse): void => {
    if (this.draining) response.setHeader('Connection', 'close');
    try {
      const trackingId = assignTrackingId(request, response, this.options.trackingIdHeader);
      const url = request.url;
      if (this.observers.length === 0 || (url ? this.isIgnoredPath(pathOfUrl(url)) : false)) return;
      new RequestObservation(request, response, this.observers, new ObservationContext(trace.getActiveSpan(), trackingId, this.reportObserverError)).start();
    } catch (error) {
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
