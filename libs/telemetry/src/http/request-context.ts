import type { Context } from '@opentelemetry/api';

/** What a `deleteValue` leaves: the key is known here, with no value. */
const DELETED = Symbol('nest-telemetry.deleted-context-value');

/**
 * The context a request is handled in: OpenTelemetry's `Context` as a chain of single
 * entries over the context the request continues (its `traceparent`, or the root). The
 * API's own context copies its whole `Map` on every `setValue`; a request sets its span
 * and its RPC metadata, and each span started inside it sets one more, so a chain costs
 * one small object per value instead (`npm run bench:request-pipeline`). Reads walk the
 * chain, which is as deep as the request's contexts are nested, not as long as it runs.
 * @internal
 */
export class RequestContext implements Context {
  private constructor(
    private readonly parent: Context,
    private readonly key: symbol | undefined,
    private readonly value: unknown,
  ) {}

  /** A context with the same values as `parent`, whose own values chain above it. */
  static over(parent: Context): Context {
    return new RequestContext(parent, undefined, undefined);
  }

  getValue(key: symbol): unknown {
    let context: Context = this;
    while (context instanceof RequestContext) {
      if (context.key === key) return context.value === DELETED ? undefined : context.value;
      context = context.parent;
    }
    return context.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new RequestContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new RequestContext(this, key, DELETED);
  }
}
