import { context, SpanStatusCode, trace, type Span, type SpanOptions } from '@opentelemetry/api';
import { isObservable, Observable } from 'rxjs';
import { libraryTracer } from './library-tracer';

/**
 * Runs `fn` inside a new active span and ends the span when the work ends, whatever
 * shape the work has: a value, a thrown error, a promise, or an Observable (ended on
 * complete, error or unsubscribe; an Observable nobody subscribes to never ends it,
 * and an unended span is never exported). Errors are recorded, set status ERROR and
 * are rethrown unchanged.
 *
 * The tracer is looked up on every call, so an SDK or test provider registered after
 * the decorated class was defined is used.
 * @internal
 */
export function runInSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => T): T {
  const span = libraryTracer().startSpan(name, options);
  const spanContext = trace.setSpan(context.active(), span);
  let result: T;
  try {
    result = context.with(spanContext, fn, undefined, span);
  } catch (error) {
    failSpan(span, error);
    span.end();
    throw error;
  }

  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failSpan(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  if (isObservable(result)) {
    return endWithObservable(result, span, spanContext) as T;
  }
  span.end();
  return result;
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

function endWithObservable<V>(source: Observable<V>, span: Span, spanContext: ReturnType<typeof context.active>): Observable<V> {
  return new Observable<V>((subscriber) => {
    let ended = false;
    const end = () => {
      if (!ended) {
        ended = true;
        span.end();
      }
    };
    // Subscribe inside the span's context so work started by the subscription is its child.
    const subscription = context.with(spanContext, () =>
      source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          failSpan(span, error);
          end();
          subscriber.error(error);
        },
        complete: () => {
          end();
          subscriber.complete();
        },
      }),
    );
    return () => {
      subscription.unsubscribe();
      end();
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
