import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { RPCType, setRPCMetadata, suppressTracing } from '@opentelemetry/core';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { headerAttribute } from '../sdk/rule-based.sampler';
import type { SdkSpanStarter } from '../sdk/sdk-span-starter';
import { TelemetryAttributes } from '../telemetry.constants';
import type { HandlerErrorSlot } from './handler-error';
import { librarySpanStarter, libraryTracer } from '../tracing/library-tracer';
import type { ObservedRequest } from './http-request-observer.interface';
import { httpMethodOf } from './http-method';
import { RequestContext } from './request-context';

const MAX_ATTRIBUTE_LENGTH = 1024;

// The objects below hold the request's span, and are classes rather than object literals:
// V8 may switch a literal's allocation site to allocating straight in the old generation
// once its objects happened to survive a young-generation GC, and dead old objects keep
// the span, and all it holds, alive until the next full GC (docs/benchmark-history.md, "Analysis and experiments").

/**
 * The RPC metadata in a request's context: where route-aware code
 * (instrumentation-nestjs-core, TracingInterceptor) leaves the route, and
 * recordHandlerError the class of the handler's error.
 * @internal
 */
export class ServerRpcMetadata implements HandlerErrorSlot {
  readonly type = RPCType.HTTP;
  route?: string;
  handlerError?: string;

  constructor(readonly span: Span) {}
}

/** A server span and the context the request is handled in. @internal */
export class ServerSpan {
  constructor(
    readonly span: Span,
    readonly rpcMetadata: ServerRpcMetadata,
    readonly context: Context,
    /** Whether its starter vouched for the span's ids (SdkSpanStarter.startsValidIds): only a suppressed span's invalid context is then told apart, without checking the ids again. */
    readonly startedWithValidIds = false,
  ) {}

  /** The span's context when it is valid (a span of an SDK, not a no-op's): what a tracking id and the logs are taken from. */
  validSpanContext(): SpanContext | undefined {
    const spanContext = this.span.spanContext();
    if (this.startedWithValidIds) return spanContext !== INVALID_SPAN_CONTEXT ? spanContext : undefined;
    return trace.isSpanContextValid(spanContext) ? spanContext : undefined;
  }
}

/**
 * Starts the SERVER span of an incoming request: a `traceparent` is continued, the span
 * carries the stable HTTP semantic-convention attributes known before the handler runs
 * (and the request headers sampling rules read), and its context holds the RPC metadata
 * where route-aware code (instrumentation-nestjs-core, TracingInterceptor) leaves the
 * route. Cheaper than the http instrumentation's server side, which computes every
 * optional attribute and patches the global `Server.prototype`.
 *
 * The attributes go to the sampler with the span when it may read them (`samplerReadsAttributes`:
 * rules, a sampler of the user's own). When it cannot (the ratio, always on or off), they are
 * set only on a span that records: an unsampled request neither builds nor validates them.
 * @internal
 */
export function startServerSpan(
  request: ObservedRequest & { httpVersion?: string },
  path: string,
  capturedHeaders: readonly string[] = [],
  samplerReadsAttributes = true,
  /** When the request arrived (`performance.now()`), read once for the span and the request's observation. */
  startedAt?: number,
): ServerSpan {
  // The caller's span context (`traceparent`) and baggage chain onto the request's context too.
  const parent = propagation.extract(RequestContext.over(ROOT_CONTEXT), request.headers);
  const method = httpMethodOf(request.method);
  const starter = librarySpanStarter();
  // Started by the SDK's tracer until the starter has learned it; the tracking id is then an attribute from the start.
  let span = starter?.start(method, SpanKind.SERVER, parent, (traceId) => requestAttributes(request, method, path, capturedHeaders, traceId), samplerReadsAttributes, true, startedAt);
  const startedWithValidIds = span !== undefined && starter!.startsValidIds;
  if (span === undefined) {
    const tracer = libraryTracer();
    if (samplerReadsAttributes) {
      span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: requestAttributes(request, method, path, capturedHeaders) }, parent);
    } else {
      span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
      if (span.isRecording()) span.setAttributes(requestAttributes(request, method, path, capturedHeaders));
    }
    starter?.learnFrom(span);
  }
  const rpcMetadata = new ServerRpcMetadata(span);
  return new ServerSpan(span, rpcMetadata, setRPCMetadata(trace.setSpan(parent, span), rpcMetadata), startedWithValidIds);
}

/** The request's attributes known before its handler runs (and the headers sampling rules read). */
function requestAttributes(
  request: ObservedRequest & { httpVersion?: string },
  method: string,
  path: string,
  capturedHeaders: readonly string[],
  trackingId?: string,
): Record<string, string | string[]> {
  const attributes: Record<string, string | string[]> = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_PATH]: cut(path),
    [ATTR_URL_SCHEME]: (request.socket as { encrypted?: boolean } | null | undefined)?.encrypted ? 'https' : 'http',
  };
  const host = request.headers.host;
  if (typeof host === 'string') attributes[ATTR_SERVER_ADDRESS] = serverAddressOf(host);
  const userAgent = request.headers['user-agent'];
  if (typeof userAgent === 'string') attributes[ATTR_USER_AGENT_ORIGINAL] = cut(userAgent);
  const client = request.socket?.remoteAddress;
  if (client) attributes[ATTR_CLIENT_ADDRESS] = client;
  if (request.httpVersion) attributes[ATTR_NETWORK_PROTOCOL_VERSION] = request.httpVersion;
  // Headers sampling rules read (`http.request.header.<key>`, as the semantic conventions capture them).
  for (const name of capturedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) attributes[headerAttribute(name)] = (Array.isArray(value) ? value : [value]).map(cut);
  }
  // The tracking id is the trace id (assignTrackingId, which sets it on spans started without it).
  if (trackingId !== undefined) attributes[TelemetryAttributes.TRACKING_ID] = trackingId;
  return attributes;
}

/** The context of a request on an ignored path: no span, and none for anything it calls. @internal */
export function suppressedContext(): Context {
  return suppressTracing(context.active());
}

/**
 * Ends a server span with what the response told: its name `{METHOD} {route}`, the
 * route and status attributes, ERROR for a 5xx, and `error.type` (for a 4xx/5xx or an
 * aborted request: the handler's exception class, the status, or `aborted`), at `endTime`
 * (a `performance.now()` reading, as the API's `TimeInput` allows: the SDK puts it on the
 * span's own clock) or now.
 * @internal
 */
export function endServerSpan(
  span: Span,
  method: string,
  route: string | undefined,
  status: number,
  aborted: boolean,
  errorType: string | undefined,
  endTime?: number,
): void {
  const starter = librarySpanStarter();
  const attributes = starter?.writableAttributes(span, 3, Math.max(route?.length ?? 0, errorType?.length ?? 0));
  if (attributes !== undefined) {
    // One store site per key (SdkSpanStarter.writableAttributes).
    let added = 0;
    if (route !== undefined) {
      if (!Object.hasOwn(attributes, ATTR_HTTP_ROUTE)) added++;
      attributes[ATTR_HTTP_ROUTE] = route;
    }
    if (!aborted) {
      if (!Object.hasOwn(attributes, ATTR_HTTP_RESPONSE_STATUS_CODE)) added++;
      attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
    }
    if (errorType !== undefined) {
      if (!Object.hasOwn(attributes, ATTR_ERROR_TYPE)) added++;
      attributes[ATTR_ERROR_TYPE] = errorType;
    }
    starter!.countAttributes(span, added);
  } else {
    if (route !== undefined) setKnownAttribute(starter, span, ATTR_HTTP_ROUTE, route);
    if (!aborted) setKnownAttribute(starter, span, ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (errorType !== undefined) setKnownAttribute(starter, span, ATTR_ERROR_TYPE, errorType);
  }
  if (route !== undefined) span.updateName(serverSpanName(httpMethodOf(method), route));
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  if (starter !== undefined && endTime !== undefined) starter.end(span, endTime);
  else span.end(endTime);
}

// Route templates are the app's own; the cap only guards against a route source of someone else's.
const MAX_NAMED_ROUTES = 1000;
const spanNames = new Map<string, Map<string, string>>();

/**
 * `{METHOD} {route}`, made once per route template and method: concatenated on every
 * request, the name was a new string that the span encoder's first read flattened in
 * V8's runtime (about 0.25 µs a request in a profile).
 */
function serverSpanName(method: string, route: string): string {
  let byMethod = spanNames.get(route);
  if (byMethod === undefined) {
    if (spanNames.size >= MAX_NAMED_ROUTES) return `${method} ${route}`;
    spanNames.set(route, (byMethod = new Map()));
  }
  let name = byMethod.get(method);
  if (name === undefined) byMethod.set(method, (name = `${method} ${route}`));
  return name;
}

/** An attribute the pipeline made valid: set without the SDK's type check where the starter can (SdkSpanStarter.setValidAttribute). */
function setKnownAttribute(starter: SdkSpanStarter | undefined, span: Span, key: string, value: string | number): void {
  if (starter === undefined) span.setAttribute(key, value);
  else starter.setValidAttribute(span, key, value);
}

// Requests to one service mostly name one host: the last one's address is kept, not matched again.
let lastHost = '';
let lastServerAddress = '';

/** The `Host` header without its port. */
function serverAddressOf(host: string): string {
  if (host !== lastHost) {
    lastServerAddress = cut(host.replace(/:\d+$/, ''));
    lastHost = host;
  }
  return lastServerAddress;
}

function cut(value: string): string {
  return value.length > MAX_ATTRIBUTE_LENGTH ? value.slice(0, MAX_ATTRIBUTE_LENGTH) : value;
}
