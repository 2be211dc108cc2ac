import { ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';

/**
 * The tracer provider spans come from now: the global proxy's delegate (the SDK's, a
 * user's own NodeSDK's, a test's), or a provider registered without the proxy.
 * @internal
 */
export function currentTracerProvider(): TracerProvider {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
}

/**
 * True when a tracer provider is registered globally: the SDK's, or one of the user's
 * own (their NodeSDK, a test's). Without one every span is a no-op.
 * @internal
 */
export function hasGlobalTracerProvider(): boolean {
  return currentTracerProvider().constructor.name !== 'NoopTracerProvider';
}
