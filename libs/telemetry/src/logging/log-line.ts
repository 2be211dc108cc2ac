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
  return untraced === undefined ? {} : { tracking_id: untraced.trackingId };
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
 * The shape of every field that reaches a line, the line's own and the bound ones:
 * flat keys moved into their groups, errors into `error` / `exception`, secrets
 * redacted at any depth. Logging never fails the caller: when the fields cannot be
 * read (a getter that throws, a hostile proxy), the correlation fields are kept with a
 * `_format_error` saying why the rest was left out.
 * @internal
 */
export function createFieldShaper(options: { redact: readonly string[] }): (object: Record<string, unknown>) => Record<string, unknown> {
  const redact = createRedactor(options.redact);
  return (object) => {
    try {
      return redact(groupFields(object)) as Record<string, unknown>;
    } catch (error) {
      return { ...correlationOf(object), [FORMAT_ERROR_KEY]: formatErrorOf(error) };
    }
  };
}

/**
 * A line's own fields shaped (createFieldShaper), then capped so that, with the fields
 * pino writes outside the object and those bound to the logger (`boundFields()`, read
 * as the line is written), the line stays within `maxFields`.
 * @internal
 */
export function createLogObjectFormatter(options: { redact: readonly string[]; maxFields: number }, boundFields: () => number = () => 0) {
  const shape = createFieldShaper(options);
  const budget = lineBudget(options.maxFields);
  return (object: Record<string, unknown> & { [PREFORMATTED]?: true }): Record<string, unknown> => {
    if (object[PREFORMATTED]) return object;
    const shaped = shape(object);
    try {
      return capFields(shaped, Math.max(1, budget - boundFields()));
    } catch (error) {
      return { ...correlationOf(object), [FORMAT_ERROR_KEY]: formatErrorOf(error) };
    }
  };
}

/** Fields a line's object and its bound fields may have together. @internal */
export function lineBudget(maxFields: number): number {
  return maxFields - FIELDS_OUTSIDE_OBJECT;
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
