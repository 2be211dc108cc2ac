import { diag, DiagConsoleLogger, type TextMapPropagator } from '@opentelemetry/api';
import {
  CompositePropagator,
  diagLogLevelFromString,
  getBooleanFromEnv,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import type { SpanLimits } from '@opentelemetry/sdk-trace';

// The SDK-wide `OTEL_*` variables of the specification that the library's tracing SDK
// honours, read as `@opentelemetry/sdk-node` reads them (the library does not load
// NodeSDK: it would load every exporter it knows, gRPC's among them, whether used or
// not). The exporter's, the sampler's and the batch's variables are read where those
// are made.

/** `OTEL_SDK_DISABLED=true`: `startTelemetry()` starts no SDK; every span is a no-op. @internal */
export function sdkDisabledByEnv(): boolean {
  return getBooleanFromEnv('OTEL_SDK_DISABLED');
}

/** `OTEL_LOG_LEVEL`: OpenTelemetry's own diagnostics on the console, at that level. @internal */
export function configureDiagnosticsFromEnv(): void {
  const level = getStringFromEnv('OTEL_LOG_LEVEL');
  if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLogLevelFromString(level) });
}

/** `OTEL_SPAN_*_LIMIT`, `OTEL_ATTRIBUTE_*_LIMIT`, `OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`, `OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`; unset ones keep the SDK's defaults. @internal */
export function spanLimitsFromEnv(): SpanLimits {
  return {
    attributeCountLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    eventCountLimit: getNumberFromEnv('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: getNumberFromEnv('OTEL_SPAN_LINK_COUNT_LIMIT'),
    attributePerEventCountLimit: getNumberFromEnv('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT'),
    attributePerLinkCountLimit: getNumberFromEnv('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT'),
  };
}

const PROPAGATORS: Readonly<Record<string, () => TextMapPropagator>> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => new B3Propagator(),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
};

/**
 * The propagators `OTEL_PROPAGATORS` names: `undefined` when it is unset or blank (the
 * library's default applies), `null` for `none` or when no name is known (nothing is
 * propagated, as NodeSDK does). Unknown names are reported through `diag` and skipped.
 * @internal
 */
export function propagatorFromEnv(): TextMapPropagator | null | undefined {
  const names = [...new Set(getStringListFromEnv('OTEL_PROPAGATORS') ?? [])];
  if (names.length === 0) return undefined;
  if (names.includes('none')) return null;
  const propagators: TextMapPropagator[] = [];
  for (const name of names) {
    const create = Object.hasOwn(PROPAGATORS, name) ? PROPAGATORS[name] : undefined;
    if (create) propagators.push(create());
    else diag.warn(`nest-telemetry: propagator "${name}" named in OTEL_PROPAGATORS is not known (known: ${Object.keys(PROPAGATORS).join(', ')}, none)`);
  }
  if (propagators.length === 0) return null;
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}
