import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { TelemetryAttributes } from '../telemetry.constants';
import { errorClassOf } from './log-groups';

/** Name of the span event a log at ERROR or above adds. @publicApi */
export const ERROR_LOG_EVENT = 'error_log';

const LEVEL_NAMES: Record<number, string> = { 50: 'ERROR', 60: 'FATAL' };

/**
 * Mirrors a log at ERROR or above into the trace: an `error_log` event on the active
 * span (or, when that span has already ended, as in Nest's exception handler, on
 * the request's server span), and, when an Error is attached, `recordException`
 * and status ERROR.
 * @internal
 */
export function recordErrorLog(level: number, args: readonly unknown[]): void {
  const span = targetSpan();
  if (!span) return;
  const [first, second] = args;
  const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
  const error = first instanceof Error ? first : fields?.err instanceof Error ? fields.err : fields?.error instanceof Error ? fields.error : undefined;
  const message = typeof first === 'string' ? first : typeof second === 'string' ? second : (error?.message ?? '');
  const logger = typeof fields?.context === 'string' ? fields.context : '';

  span.addEvent(ERROR_LOG_EVENT, {
    'log.level': LEVEL_NAMES[level] ?? (level > 60 ? 'FATAL' : 'ERROR'),
    'log.message': message,
    'log.logger': logger,
    [TelemetryAttributes.TRACKING_ID]: span.spanContext().traceId,
    'error.type': error ? errorClassOf(error) : typeof fields?.error_type === 'string' ? fields.error_type : 'log',
  });
  if (error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
}

function targetSpan(): Span | undefined {
  const active = context.active();
  const span = trace.getSpan(active);
  if (span?.isRecording()) return span;
  const server = getRPCMetadata(active)?.span;
  return server?.isRecording() ? server : undefined;
}
