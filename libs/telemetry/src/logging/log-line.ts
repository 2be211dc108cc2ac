import { trace } from '@opentelemetry/api';
import { traceIdOf, untracedRequestStorage } from '../tracking-id/tracking-id';
import { capFields } from './field-cap';
import { groupFields } from './log-groups';
import { createRedactor } from './redaction';

/** Fields pino writes outside the object: `@timestamp`, `@level`, `@message`, `service`. */
const FIELDS_OUTSIDE_OBJECT = 4;

/**
 * The correlation fields of a line: `tracking_id`, and `tracing` while a span is
 * active. Outside any request there is no tracking id (never a stale one).
 * @internal
 */
export function correlationFields(mergeObject: object): object {
  // The access log passes its request's tracking id itself. (pino merges the line
  // into the object returned here: a new one each time.)
  if ('tracking_id' in mergeObject) return {};
  const span = trace.getActiveSpan();
  const traceId = traceIdOf(span);
  if (traceId !== undefined) {
    return { tracking_id: traceId, tracing: { trace_id: traceId, span_id: span!.spanContext().spanId } };
  }
  const untraced = untracedRequestStorage.getStore();
  return untraced === undefined ? {} : { tracking_id: untraced };
}

/**
 * Marks a line object built by the library in its final shape (the access line): no
 * secret-named keys, a fixed number of fields. The formatter passes it through.
 * @internal
 */
export const PREFORMATTED = Symbol.for('nest-telemetry.preformatted-log-line');

/** Key of the fallback line's note on why the caller's fields were left out. @publicApi */
export const FORMAT_ERROR_KEY = '_format_error';

/**
 * The shape of every line's own fields: flat keys moved into their groups, errors
 * into `error` / `exception`, secrets redacted at any depth, and the field cap.
 * Logging never fails the caller: when the fields cannot be formatted (a getter that
 * throws, a hostile proxy), the line is written with its correlation fields and message
 * and a `_format_error` saying why the rest was left out.
 * @internal
 */
export function createLogObjectFormatter(options: { redact: readonly string[]; maxFields: number }) {
  const redact = createRedactor(options.redact);
  const budget = options.maxFields - FIELDS_OUTSIDE_OBJECT;
  return (object: Record<string, unknown> & { [PREFORMATTED]?: true }): Record<string, unknown> => {
    if (object[PREFORMATTED]) return object;
    try {
      return capFields(redact(groupFields(object)) as Record<string, unknown>, budget);
    } catch (error) {
      return { ...correlationOf(object), [FORMAT_ERROR_KEY]: formatErrorOf(error) };
    }
  };
}

/** The correlation fields the mixin put on a line, read without touching anything else. */
function correlationOf(object: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of ['tracking_id', 'tracing'] as const) {
    const value = Object.getOwnPropertyDescriptor(object, key)?.value;
    if (value !== undefined) kept[key] = value;
  }
  return kept;
}

/** The `_format_error` note: what failed, never the failing value itself. @internal */
export function formatErrorOf(error: unknown): { type: string; message: string } {
  return { type: error instanceof Error ? error.name : typeof error, message: 'the fields of this line could not be read and were left out' };
}
