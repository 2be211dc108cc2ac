import pino from 'pino';
import type { CompletedRequest, ObservedRequest, ObservedResponse } from '../http/http-request-observer.interface';
import type { TelemetryLogLevel } from '../interfaces/telemetry-module-options.interface';
import { resolveModuleOptions } from '../options/module-options.resolver';
import { resolveSdkOptions } from '../options/sdk-options.resolver';
import { MemoryLogDestination } from '../testing/memory-log-destination';
import { AccessLog } from './access-log';
import { PREFORMATTED } from './log-line';
import { createTelemetryLogger } from './logger.factory';

const TRACE_ID = '6ef6b82e982841f6c829f47d1bcfee97';
const SPAN_ID = '1234567890abcdef';

function loggerWritingTo(destination: { write(line: string): unknown }, level: TelemetryLogLevel = 'info') {
  const options = resolveModuleOptions({ serviceName: 'orders', logging: { level, destination } }, resolveSdkOptions({ serviceName: 'orders' }));
  return createTelemetryLogger(options).logger;
}

function completed(overrides: Partial<CompletedRequest> & { headers?: Record<string, string>; responseHeaders?: Record<string, unknown> } = {}): CompletedRequest {
  const { headers = { 'user-agent': 'curl/8.5' }, responseHeaders = { 'content-length': '45', 'content-type': 'application/json' }, ...rest } = overrides;
  const request = { method: 'GET', url: '/orders/7', headers, socket: { remoteAddress: '10.1.2.3' } } as unknown as ObservedRequest;
  const response = { getHeader: (name: string) => responseHeaders[name] } as unknown as ObservedResponse;
  return {
    request,
    response,
    method: 'GET',
    path: '/orders/7',
    route: '/orders/:id',
    status: 200,
    aborted: false,
    errorType: undefined,
    seconds: 0.0123456789,
    spanContext: { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 },
    trackingId: TRACE_ID,
    clientAddress: '10.1.2.3',
    ...rest,
  };
}

/** The line as pino's own path writes the same object: what the access line looked like before it was written directly. */
function throughPino(request: CompletedRequest, ip: string | undefined): string {
  const logs = new MemoryLogDestination();
  const logger = loggerWritingTo(logs);
  const { spanContext, status } = request;
  const number = (value: unknown) => (value === undefined ? undefined : Number(value));
  const contentType = request.response.getHeader('content-type');
  const line = {
    tracking_id: request.trackingId,
    ...(spanContext ? { tracing: { trace_id: spanContext.traceId, span_id: spanContext.spanId } } : {}),
    request: {
      method: request.method,
      path: request.path,
      route: request.route,
      duration: Math.round(request.seconds * 1e6) / 1e6,
      size: number(request.request.headers['content-length']),
      user_agent: request.request.headers['user-agent'],
      ip,
    },
    response: {
      status,
      size: number(request.response.getHeader('content-length')),
      content_type: Array.isArray(contentType) ? contentType.map(String) : contentType,
      ...(request.aborted ? { aborted: true } : {}),
    },
    [PREFORMATTED]: true as const,
  };
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  logger[level](line, `${request.method} ${request.path} ${status}`);
  return logs.raw()[0];
}

function written(request: CompletedRequest, options = { maskIp: false }, level: TelemetryLogLevel = 'info'): string[] {
  const logs = new MemoryLogDestination();
  new AccessLog(loggerWritingTo(logs, level), options).end(request);
  return logs.raw();
}

describe('AccessLog', () => {
  let now: jest.SpyInstance;
  beforeEach(() => (now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 10, 23, 3, 4, 5, 67))));
  afterEach(() => now.mockRestore());

  it.each([
    ['a traced 200', completed()],
    ['a 404 without a route, WARN', completed({ status: 404, route: undefined, errorType: 'NotFoundException' })],
    ['a 500, ERROR', completed({ status: 500, errorType: 'Error' })],
    ['an aborted request without a span', completed({ status: 499, aborted: true, spanContext: undefined, trackingId: TRACE_ID })],
    ['a request with a body and no user agent', completed({ headers: { 'content-length': '512' }, method: 'POST' })],
    ['a numeric and a listed content type', completed({ responseHeaders: { 'content-length': 3, 'content-type': ['text/plain', 'x'] } })],
    // Strings with and without what JSON escapes: quotes, backslashes, control characters, surrogate pairs; DEL, U+2028 and accents as they are.
    ['strings JSON escapes and strings it does not', completed({ path: '/a"b\\c/\n/\u0000/\u001f/\u007f/\u2028/é/😀', headers: { 'user-agent': 'ünï\tcode', 'content-length': '1' } })],
    // The message joins the method's and the path's JSON: a method with a dash, a path starting with a surrogate pair.
    ['an unusual method and a path starting with a surrogate pair', completed({ path: '😀/x"', method: 'M-SEARCH' })],
  ])('should write %s byte for byte as pino writes the same object', (_name, request) => {
    expect(written(request)).toEqual([throughPino(request, '10.1.2.3')]);
  });

  it('should write each line with its own values when consecutive requests differ, and repeat', () => {
    const requests = [
      completed(),
      completed({ method: 'POST', route: '/orders', headers: { 'user-agent': 'k6/0.50' }, responseHeaders: { 'content-type': 'text/html' } }),
      completed({ clientAddress: '192.168.0.9' }),
      completed({ route: undefined, status: 404, headers: { 'user-agent': 'curl/8.5"quoted' } }),
      completed({ method: 'POST', route: '/orders', headers: { 'user-agent': 'k6/0.50' }, responseHeaders: { 'content-type': 'text/html' } }),
    ];
    const logs = new MemoryLogDestination();
    const accessLog = new AccessLog(loggerWritingTo(logs), { maskIp: false });
    for (const request of requests) accessLog.end(request);
    expect(logs.raw()).toEqual(requests.map((request) => throughPino(request, request.clientAddress)));
  });

  it('should keep every hostile value a client chose inside its JSON string', () => {
    const path = '/a"b\\c\n{"@level":"FATAL"}\u0000\u2028\ud800';
    const agent = 'agent"\r\n,"tracking_id":"forged';
    const [line, ...more] = written(completed({ path, headers: { 'user-agent': agent } }));
    expect(more).toEqual([]);
    const parsed = JSON.parse(line) as { '@level': string; tracking_id: string; '@message': string; request: { path: string; user_agent: string } };
    expect(parsed['@level']).toBe('INFO');
    expect(parsed.tracking_id).toBe(TRACE_ID);
    // A lone surrogate too comes back as it was sent (escaped as \ud800, not as invalid UTF-8).
    expect(parsed.request.path).toBe(path);
    expect(parsed.request.user_agent).toBe(agent);
    expect(parsed['@message']).toBe(`GET ${path} 200`);
    // Lone surrogates where the message joins the method and the path come back too (pino's own path would write U+FFFD).
    const edges = '\udc00/x\ud800';
    expect((JSON.parse(written(completed({ path: edges }))[0]) as { '@message': string })['@message']).toBe(`GET ${edges} 200`);
    // A lone surrogate in an otherwise plain string is escaped too, as JSON.stringify escapes it.
    const [lone] = written(completed({ headers: { 'user-agent': 'lone\ud800' } }));
    expect(lone).toContain('"user_agent":"lone\\ud800"');
  });

  it("should follow the logger's level, also when it changes at run time", () => {
    expect(written(completed(), undefined, 'warn')).toEqual([]);
    expect(written(completed({ status: 404 }), undefined, 'warn')).toHaveLength(1);
    const logs = new MemoryLogDestination();
    const logger = loggerWritingTo(logs);
    const accessLog = new AccessLog(logger, { maskIp: false });
    logger.level = 'error';
    accessLog.end(completed({ status: 404 }));
    accessLog.end(completed({ status: 503 }));
    expect(logs.lines().map((line) => line['@level'])).toEqual(['ERROR']);
  });

  it('should mask the client address when asked', () => {
    const [line] = written(completed(), { maskIp: true });
    expect((JSON.parse(line) as { request: { ip: string } }).request.ip).toBe('10.1.2.xxx');
  });

  it('should reach the stream of its level through a pino multistream', () => {
    const info = new MemoryLogDestination();
    const warn = new MemoryLogDestination();
    const logger = loggerWritingTo(pino.multistream([{ stream: info, level: 'info' }, { stream: warn, level: 'warn' }], { dedupe: true }));
    const accessLog = new AccessLog(logger, { maskIp: false });
    accessLog.end(completed());
    accessLog.end(completed({ status: 404 }));
    expect(info.lines().map((line) => line['@message'])).toEqual(['GET /orders/7 200']);
    expect(warn.lines()).toEqual([expect.objectContaining({ '@level': 'WARN', '@message': 'GET /orders/7 404', tracking_id: TRACE_ID, response: expect.objectContaining({ status: 404 }) })]);
  });
});
