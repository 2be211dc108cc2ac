import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { currentTracerProvider } from '../sdk/global-tracer-provider';
import { SdkSpanStarter } from '../sdk/sdk-span-starter';
import { TRACER_NAME } from '../telemetry.constants';

let cachedFor: TracerProvider | undefined;
let cached: Tracer | undefined;
let cachedStarter: SdkSpanStarter | undefined;

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
    // The provider's own tracer behind the global proxy: the one the SDK's fields are read from.
    cachedStarter = SdkSpanStarter.for(provider.getTracer(TRACER_NAME));
  }
  return cached;
}

/**
 * The starter of the library's SERVER spans for the current provider's tracer, when it
 * is the SDK's (SdkSpanStarter); undefined otherwise.
 * @internal
 */
export function librarySpanStarter(): SdkSpanStarter | undefined {
  libraryTracer();
  return cachedStarter;
}
