import { ROOT_CONTEXT, SeverityNumber, trace, TraceFlags, type AnyValue, type Logger as LogRecordLogger } from '@opentelemetry/api';
import { decorateDestination, type LogDestination } from './log-destination';

const SEVERITY: Record<string, SeverityNumber> = {
  TRACE: SeverityNumber.TRACE,
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
  FATAL: SeverityNumber.FATAL,
};
// Fields that become the record's own parts, not attributes.
const OWN_FIELDS = new Set(['@timestamp', '@level', '@message', 'service', 'tracing']);

/**
 * A log destination that writes each line to `destination` and also emits it as an
 * OpenTelemetry log record: `@message` the body, `@level` the severity, the trace and span
 * ids of `tracing` its context (so a backend joins it to its trace), every other field an
 * attribute. The line is the formatted, redacted one: nothing reaches OTLP that the log
 * file would not show. A line that is not JSON (pretty mode) goes as the body.
 * @internal
 */
export function withOtlpLogBridge(destination: LogDestination, logger: LogRecordLogger): LogDestination {
  return decorateDestination(destination, (line: string) => {
    const written = destination.write(line);
    try {
      logger.emit(logRecordOf(line));
    } catch {
      // The line is in the log destination; only its OTLP copy is lost.
    }
    return written;
  });
}

function logRecordOf(line: string) {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { body: line.trimEnd() };
  }
  const level = typeof fields['@level'] === 'string' ? fields['@level'] : 'INFO';
  const timestamp = typeof fields['@timestamp'] === 'string' ? new Date(fields['@timestamp']) : new Date();
  const tracing = fields.tracing as { trace_id?: unknown; span_id?: unknown } | undefined;
  const attributes: Record<string, AnyValue> = {};
  for (const [key, value] of Object.entries(fields)) if (!OWN_FIELDS.has(key) && value !== undefined) attributes[key] = value as AnyValue;
  const context =
    typeof tracing?.trace_id === 'string' && typeof tracing.span_id === 'string'
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: tracing.trace_id, spanId: tracing.span_id, traceFlags: TraceFlags.SAMPLED, isRemote: true })
      : undefined;
  return {
    timestamp,
    severityText: level,
    severityNumber: SEVERITY[level] ?? SeverityNumber.UNSPECIFIED,
    body: typeof fields['@message'] === 'string' ? fields['@message'] : '',
    attributes,
    ...(context ? { context } : {}),
  };
}
