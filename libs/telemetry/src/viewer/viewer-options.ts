import { InvalidTelemetryOptionsError } from '../options/invalid-telemetry-options.error';

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
export function resolveViewerOptions(options: TelemetryViewerOptions, env: NodeJS.ProcessEnv = process.env): ResolvedViewerOptions {
  const environment = options.environment ?? /(?:^|,)deployment\.environment\.name=([^,]+)/.exec(env.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[1] ?? 'dev';
  const enabled = options.enabled ?? (env.TELEMETRY_VIEWER_ENABLED ? env.TELEMETRY_VIEWER_ENABLED === 'true' : environment === 'dev');
  if (!enabled) throw new TelemetryViewerDisabledError(environment);
  const integer = (name: string, value: unknown, min: number) => {
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= min) return number;
    throw new InvalidTelemetryOptionsError(name, value, `an integer of at least ${min}`);
  };
  const port = integer('port', options.port ?? env.TELEMETRY_VIEWER_PORT ?? 4318, 0);
  if (port > 65535) throw new InvalidTelemetryOptionsError('port', port, 'a port number between 0 and 65535');
  const token = options.token ?? (env.TELEMETRY_VIEWER_TOKEN || undefined);
  return {
    port,
    host: options.host ?? env.TELEMETRY_VIEWER_HOST ?? '127.0.0.1',
    token,
    maxTraces: integer('maxTraces', options.maxTraces ?? 500, 1),
    maxSpans: integer('maxSpans', options.maxSpans ?? 20_000, 1),
    maxLogs: integer('maxLogs', options.maxLogs ?? 20_000, 1),
    maxBodyBytes: integer('maxBodyBytes', options.maxBodyBytes ?? 8 * 1024 * 1024, 1024),
  };
}
