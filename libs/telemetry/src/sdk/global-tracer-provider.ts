import { ProxyTracerProvider, trace } from '@opentelemetry/api';

/**
 * True when a tracer provider is registered globally: the SDK's, or one of the user's
 * own (their NodeSDK, a test's). Without one every span is a no-op.
 * @internal
 */
export function hasGlobalTracerProvider(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate().constructor.name !== 'NoopTracerProvider';
}
