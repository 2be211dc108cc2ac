/**
 * Attribute keys this library adds beside the OpenTelemetry semantic conventions.
 * @publicApi
 */
export enum TelemetryAttributes {
  /** The tracking id: equal to the trace id, kept as an attribute so it can be searched. */
  TRACKING_ID = 'tracking.id',
}

/** Default response header for the tracking id. @publicApi */
export const DEFAULT_TRACKING_ID_HEADER = 'X-Tracking-ID';

/** Paths that are probed constantly and tell nothing about a user request. @publicApi */
export const DEFAULT_IGNORED_PATHS: readonly string[] = ['/health', '/healthz', '/livez', '/readyz', '/metrics'];

/** Instrumentation scope name of the spans this library creates itself. @internal */
export const TRACER_NAME = 'nest-telemetry';

/** DI token of the resolved options (`ResolvedTelemetryOptions`). @publicApi */
export const TELEMETRY_OPTIONS = 'TELEMETRY:RESOLVED_OPTIONS';

/**
 * DI token of the process's `TelemetryRuntime`: the one `startTelemetry()` started, or a
 * stand-in made from the module's options when none was. Override it in tests to hand
 * the module a runtime of your own.
 * @publicApi
 */
export const TELEMETRY_RUNTIME = 'TELEMETRY:RUNTIME';
