import { context, SpanKind, SpanStatusCode, trace, type Context, type Span, type SpanOptions } from '@opentelemetry/api';
import { isObservable, Observable } from 'rxjs';
import { librarySpanStarter, libraryTracer } from './library-tracer';

/**
 * Called once the work of a span has ended, before the span ends: `failed` with its error,
 * or not. An Observable unsubscribed before it completed counts as ended without failure.
 * @internal
 */
export type SpanSettledHook = (span: Span, failed: boolean, error: unknown) => void;

/**
 * Runs `fn` inside a new active span and ends the span when the work ends, whatever
 * shape the work has: a value, a thrown error, a promise, or an Observable (ended on
 * complete, error or unsubscribe; an Observable nobody subscribes to never ends it,
 * and an unended span is never exported). Errors are recorded, set status ERROR and
 * are rethrown unchanged. `onSettled` sees the outcome just before the span ends.
 *
 * The tracer is the current provider's on every call, so an SDK or test provider
 * registered after the decorated class was defined is used.
 * @internal
 */
export function runInSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => T, onSettled?: SpanSettledHook): T {
  const parent = context.active();
  const span = startSpan(name, options, parent);
  const spanContext = trace.setSpan(parent, span);
  const settle = (failed: boolean, error?: unknown) => {
    if (failed) failSpan(span, error);
    onSettled?.(span, failed, error);
    span.end();
  };
  let result: T;
  try {
    result = context.with(spanContext, fn, undefined, span);
  } catch (error) {
    settle(true, error);
    throw error;
  }

  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (value) => {
        settle(false);
        return value;
      },
      (error: unknown) => {
        settle(true, error);
        throw error;
      },
    ) as T;
  }
  if (isObservable(result)) {
    return settleWithObservable(result, spanContext, settle) as T;
  }
  settle(false);
  return result;
}

/**
 * The span, from SdkSpanStarter where it can start it (no links, start time or `root`), or
 * from the tracer, which the starter learns the SDK's span class from.
 */
function startSpan(name: string, options: SpanOptions, parent: Context): Span {
  const starter = librarySpanStarter();
  if (starter !== undefined && options.links === undefined && options.startTime === undefined && options.root !== true) {
    const attributes = options.attributes;
    const span = starter.start(name, options.kind ?? SpanKind.INTERNAL, parent, () => attributes ?? {}, true, false);
    if (span !== undefined) return span;
  }
  const span = libraryTracer().startSpan(name, options, parent);
  starter?.learnFrom(span);
  return span;
}

/** Records an error on a span the way every span of this library does. @internal */
export function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.recordException(String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}

function settleWithObservable<V>(
  source: Observable<V>,
  spanContext: ReturnType<typeof context.active>,
  settle: (failed: boolean, error?: unknown) => void,
): Observable<V> {
  return new Observable<V>((subscriber) => {
    let settled = false;
    const once = (failed: boolean, error?: unknown) => {
      if (!settled) {
        settled = true;
        settle(failed, error);
      }
    };
    // Subscribe inside the span's context so work started by the subscription is its child.
    const subscription = context.with(spanContext, () =>
      source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          once(true, error);
          subscriber.error(error);
        },
        complete: () => {
          once(false);
          subscriber.complete();
        },
      }),
    );
    return () => {
      subscription.unsubscribe();
      once(false);
    };
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
