import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { currentTracerProvider } from '../sdk/global-tracer-provider';
import { TRACER_NAME } from '../telemetry.constants';

let cachedFor: TracerProvider | undefined;
let cached: Tracer | undefined;

/**
 * The library's tracer, looked up once per tracer provider instead of on every span:
 * `trace.getTracer()` builds a key and searches the provider's map each time (about 2 µs
 * a span in a profile of the request path). A provider registered later (a test's, a
 * restarted SDK) is picked up, because the cache is keyed by the current provider.
 * @internal
 */
export function libraryTracer(): Tracer {
  const provider = currentTracerProvider();
  if (provider !== cachedFor || cached === undefined) {
    cachedFor = provider;
    cached = trace.getTracer(TRACER_NAME);
  }
  return cached;
}
