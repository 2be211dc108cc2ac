import { symbols, type Logger } from 'pino';
import { capFields, countFields } from './field-cap';
import { FORMAT_ERROR_KEY, formatErrorOf } from './log-line';

/** Fields bound on a logger by `child()`, `setBindings()` or nestjs-pino's `assign()`, counted. */
const BOUND_FIELD_COUNT = Symbol('nest-telemetry.bound-field-count');

/** Marker on bound fields that lost fields to the cap: how many were dropped. @publicApi */
export const DROPPED_BOUND_FIELDS_KEY = '_dropped_bound_fields';

/** Fields a line keeps for its own object, however many are bound. @internal */
export const FIELDS_KEPT_FOR_THE_LINE = 100;

type Bindings = Record<string, unknown>;
interface GuardedLogger {
  [BOUND_FIELD_COUNT]?: number;
}

/**
 * pino writes bound fields as they are: child loggers drop the `bindings` formatter, and
 * `setBindings()` (nestjs-pino's `assign()`) never had one. So the root logger's `child`
 * and `setBindings` (which every descendant inherits: a child is `Object.create(parent)`)
 * pass the fields through the same shaping as a line's own (grouping, redaction), capped
 * to what the line cap leaves, and each logger remembers how many fields it binds so the
 * line formatter caps the rest of the line to the remainder.
 * @internal
 */
export function guardBoundFields(root: Logger, shape: (fields: Bindings) => Bindings, lineBudget: number): void {
  const bindingsBudget = Math.max(1, lineBudget - FIELDS_KEPT_FOR_THE_LINE);
  const originalChild = root.child;
  const originalSetBindings = root.setBindings;

  const shapeWithin = (logger: GuardedLogger, fields: Bindings): { fields: Bindings; count: number } => {
    const room = bindingsBudget - boundFieldCount(logger);
    let shaped: Bindings;
    try {
      shaped = shape(serialized(logger, fields));
    } catch (error) {
      // Binding never throws to the caller (a getter that throws, a hostile proxy): the fields are left out, with why.
      shaped = { [FORMAT_ERROR_KEY]: formatErrorOf(error) };
    }
    const capped = room > 0 ? capFields(shaped, room, DROPPED_BOUND_FIELDS_KEY) : { [DROPPED_BOUND_FIELDS_KEY]: countFields(shaped) };
    return { fields: capped, count: countFields(capped) };
  };

  root.child = function child(this: GuardedLogger, bindings: Bindings, options?: object) {
    const { fields, count } = shapeWithin(this, bindings ?? {});
    const created = originalChild.call(this as never, fields, options as never);
    (created as GuardedLogger)[BOUND_FIELD_COUNT] = boundFieldCount(this) + count;
    return created;
  } as unknown as Logger['child'];

  root.setBindings = function setBindings(this: GuardedLogger, bindings: Bindings) {
    const { fields, count } = shapeWithin(this, bindings ?? {});
    originalSetBindings.call(this as never, fields);
    this[BOUND_FIELD_COUNT] = boundFieldCount(this) + count;
  };
}

/**
 * The fields as pino would write them: through the logger's serializers, and without
 * those serialized away (pino-http binds the whole request as `req`, which our
 * serializers omit: shaping or counting it would walk a socket's object graph).
 */
function serialized(logger: object, fields: Bindings): Bindings {
  const serializers = (logger as Record<symbol, Record<string, ((value: unknown) => unknown) | undefined> | undefined>)[symbols.serializersSym];
  if (!serializers) return fields;
  let out: Bindings | undefined;
  for (const key of Object.keys(fields)) {
    const serializer = serializers[key];
    if (!serializer) continue;
    out ??= { ...fields };
    const value = serializer(fields[key]);
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out ?? fields;
}

/** How many fields a logger (and its ancestors) bind to each of its lines. @internal */
export function boundFieldCount(logger: object): number {
  return (logger as GuardedLogger)[BOUND_FIELD_COUNT] ?? 0;
}
