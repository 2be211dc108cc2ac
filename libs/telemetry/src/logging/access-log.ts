import type { Logger } from 'pino';
import type { CompletedRequest, HttpRequestObserver } from '../http/http-request-observer.interface';
import { accessLineFields, AccessLineWriter, type AccessLineLevel } from './access-line';
import { maskIp } from './mask-ip';

/**
 * One access log line per request, written right after the server span ends: INFO
 * for 2xx/3xx, WARN for 4xx, ERROR for 5xx, with the `request` and `response` groups.
 * @internal
 */
export class AccessLog implements HttpRequestObserver {
  private readonly writer: AccessLineWriter;

  constructor(
    logger: Logger,
    private readonly options: { maskIp: boolean },
  ) {
    this.writer = new AccessLineWriter(logger);
  }

  end(completed: CompletedRequest): void {
    const { request, response, status, clientAddress: ip } = completed;
    const level: AccessLineLevel = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!this.writer.enabled(level)) return;
    const line = accessLineFields(completed, {
      ip: ip && this.options.maskIp ? maskIp(ip) : ip,
      requestSize: numberOf(request.headers['content-length']),
      responseSize: numberOf(response.getHeader('content-length')),
      contentType: response.getHeader('content-type'),
    });
    this.writer.write(level, line);
  }
}

function numberOf(value: unknown): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === '') return undefined;
  const number = Number(raw);
  return Number.isFinite(number) ? number : undefined;
}
