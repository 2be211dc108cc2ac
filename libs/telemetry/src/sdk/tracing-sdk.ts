import { context, propagation, trace, type ContextManager, type TextMapPropagator } from '@opentelemetry/api';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { detectResources, type Resource, type ResourceDetector } from '@opentelemetry/resources';
import { TracerProvider, type IdGenerator, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { propagatorFromEnv, spanLimitsFromEnv } from './otel-environment';

/** What the library's tracing SDK is made of; `startTelemetry()` builds each part. @internal */
export interface TracingSdkParts {
  /** The service's resource; detected attributes go under it. */
  readonly resource: Resource;
  readonly resourceDetectors: readonly ResourceDetector[];
  /** Used unless `OTEL_PROPAGATORS` names others. */
  readonly propagator: TextMapPropagator;
  readonly contextManager: ContextManager;
  readonly sampler: Sampler;
  readonly idGenerator: IdGenerator;
  readonly spanProcessors: readonly SpanProcessor[];
  readonly instrumentations: readonly Instrumentation[];
}

/** The registered SDK. @internal */
export interface TracingSdk {
  readonly tracerProvider: TracerProvider;
  /** Flushes and stops the span processors. */
  shutdown(): Promise<void>;
}

/**
 * Registers tracing with the OpenTelemetry API as NodeSDK's `start()` does for a
 * configuration of traces alone, honouring `OTEL_PROPAGATORS` and the span limits'
 * `OTEL_*` variables (`startTelemetry()` reads `OTEL_SDK_DISABLED` and `OTEL_LOG_LEVEL`), without
 * loading NodeSDK: it requires every exporter and metric reader it supports at load,
 * 216 modules and 4 MB of heap a service would carry unused (BENCHMARKS.md, "Twenty-first
 * session"). Metrics go through
 * Prometheus and logs through pino, so no meter or logger provider is registered, and a
 * user's own remain free to be.
 * @internal
 */
export function registerTracingSdk(parts: TracingSdkParts): TracingSdk {
  // Instrumentations first, as NodeSDK: they patch modules as those load, and take the
  // tracer provider from the API's proxy, which the provider below delegates to.
  registerInstrumentations({ instrumentations: [...parts.instrumentations] });
  context.setGlobalContextManager(parts.contextManager.enable());
  const propagator = propagatorFromEnv();
  if (propagator !== null) propagation.setGlobalPropagator(propagator ?? parts.propagator);
  const tracerProvider = new TracerProvider({
    // The service's own attributes win over what a detector finds (`service.instance.id` among them).
    resource: detectResources({ detectors: [...parts.resourceDetectors] }).merge(parts.resource),
    sampler: parts.sampler,
    spanLimits: spanLimitsFromEnv(),
    idGenerator: parts.idGenerator,
    spanProcessors: [...parts.spanProcessors],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  return { tracerProvider, shutdown: () => tracerProvider.shutdown() };
}
