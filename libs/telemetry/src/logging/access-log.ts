import type { Logger } from 'pino';
import type { CompletedRequest, HttpRequestObserver } from '../http/http-request-observer.interface';
import { PREFORMATTED } from './log-line';
import { maskIp } from './mask-ip';

/**
 * One access log line per request, written right after the server span ends: INFO
 * for 2xx/3xx, WARN for 4xx, ERROR for 5xx, with the `request` and `response` groups.
 * @internal
 */
export class AccessLog implements HttpRequestObserver {
  constructor(
    private readonly logger: Logger,
    private readonly options: { maskIp: boolean },
  ) {}

  end({ request, response, method, path, route, status, aborted, seconds, spanContext, trackingId }: CompletedRequest): void {
    // Without X-Forwarded-For, express's `req.ip` is the socket's address whatever `trust proxy`
    // says; reading it directly skips parsing the forwarding chain (2 µs a request).
    const ip = request.headers['x-forwarded-for'] === undefined ? request.socket?.remoteAddress : (request.ip ?? request.socket?.remoteAddress);
    const line = {
      tracking_id: trackingId,
      ...(spanContext ? { tracing: { trace_id: spanContext.traceId, span_id: spanContext.spanId } } : {}),
      request: {
        method,
        path,
        route,
        duration: Math.round(seconds * 1e6) / 1e6,
        size: numberOf(request.headers['content-length']),
        user_agent: request.headers['user-agent'],
        ip: ip && this.options.maskIp ? maskIp(ip) : ip,
      },
      response: {
        status,
        size: numberOf(response.getHeader('content-length')),
        content_type: response.getHeader('content-type'),
        ...(aborted ? { aborted: true } : {}),
      },
      // Built in its final shape: the per-line formatting (groups, redaction, cap) is skipped.
      [PREFORMATTED]: true as const,
    };
    const message = `${method} ${path} ${status}`;
    if (status >= 500) this.logger.error(line, message);
    else if (status >= 400) this.logger.warn(line, message);
    else this.logger.info(line, message);
  }
}

function numberOf(value: unknown): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === '') return undefined;
  const number = Number(raw);
  return Number.isFinite(number) ? number : undefined;
}
