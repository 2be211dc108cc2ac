import { InvalidTelemetryOptionsError } from '../options/invalid-telemetry-options.error';
import { port, positiveInteger, str } from '../options/option-validators';
import { resourceAttributesFromEnv } from '../options/sdk-options.resolver';

/** Options of `startTelemetryViewer()`. Each falls back to its environment variable. @publicApi */
export interface TelemetryViewerOptions {
  /**
   * Port of the viewer: its page and its OTLP/HTTP receiver (`/v1/traces`, `/v1/logs`).
   * The default is OTLP/HTTP's, so services with the default endpoint send to it.
   * Falls back to `TELEMETRY_VIEWER_PORT`.
   * @default 4318
   */
  port?: number;
  /** Falls back to `TELEMETRY_VIEWER_HOST`. @default '127.0.0.1' */
  host?: string;
  /**
   * Start even outside dev. Falls back to `TELEMETRY_VIEWER_ENABLED=true`.
   * @default true in the dev environment, false elsewhere
   */
  enabled?: boolean;
  /**
   * The environment, as in the telemetry options (`deployment.environment.name` in
   * `OTEL_RESOURCE_ATTRIBUTES`). @default 'dev'
   */
  environment?: string;
  /**
   * A token every request must carry (`Authorization: Bearer …`, or `?token=` for the
   * page); exporters send it with `OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20…`.
   * Falls back to `TELEMETRY_VIEWER_TOKEN`. @default none
   */
  token?: string;
  /** Traces kept (oldest evicted). @default 500 */
  maxTraces?: number;
  /** Spans kept over all traces (oldest traces evicted). @default 20000 */
  maxSpans?: number;
  /** Log records kept (oldest evicted). @default 20000 */
  maxLogs?: number;
  /** Largest OTLP request body accepted, in bytes (decompressed); larger ones get 413. @default 8 MiB */
  maxBodyBytes?: number;
}

/** @internal */
export type ResolvedViewerOptions = Required<Omit<TelemetryViewerOptions, 'token' | 'enabled' | 'environment'>> & { token: string | undefined };

/** Thrown when the viewer is asked to start where it is off (outside dev, not enabled). @publicApi */
export class TelemetryViewerDisabledError extends Error {
  constructor(environment: string) {
    super(
      `the telemetry viewer is off in the ${JSON.stringify(environment)} environment: it keeps telemetry in memory and serves it without ` +
        'authentication unless a token is set. Enable it explicitly (enabled: true or TELEMETRY_VIEWER_ENABLED=true), preferably with a token.',
    );
    this.name = 'TelemetryViewerDisabledError';
  }
}

/** @internal */
export function resolveViewerOptions(options: TelemetryViewerOptions): ResolvedViewerOptions {
  const env = process.env;
  // As the telemetry options read it: `deployment.environment.name` in OTEL_RESOURCE_ATTRIBUTES.
  const environment = options.environment ?? str(resourceAttributesFromEnv()['deployment.environment.name']) ?? 'dev';
  const enabled = options.enabled ?? (env.TELEMETRY_VIEWER_ENABLED ? env.TELEMETRY_VIEWER_ENABLED === 'true' : environment === 'dev');
  if (!enabled) throw new TelemetryViewerDisabledError(environment);
  const rawPort = options.port ?? env.TELEMETRY_VIEWER_PORT ?? 4318;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024) throw new InvalidTelemetryOptionsError('maxBodyBytes', maxBodyBytes, 'an integer of at least 1024');
  const token = options.token ?? (env.TELEMETRY_VIEWER_TOKEN || undefined);
  return {
    // A port from the environment is a string of digits; anything else is reported as given.
    port: port('port', typeof rawPort === 'string' && /^\d+$/.test(rawPort) ? Number(rawPort) : rawPort),
    host: options.host ?? env.TELEMETRY_VIEWER_HOST ?? '127.0.0.1',
    token,
    maxTraces: positiveInteger('maxTraces', options.maxTraces ?? 500),
    maxSpans: positiveInteger('maxSpans', options.maxSpans ?? 20_000),
    maxLogs: positiveInteger('maxLogs', options.maxLogs ?? 20_000),
    maxBodyBytes,
  };
}
