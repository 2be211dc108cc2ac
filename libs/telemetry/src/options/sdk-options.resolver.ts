import type { Instrumentation } from '@opentelemetry/instrumentation';
import { envDetector } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { DEFAULT_IGNORED_PATHS, DEFAULT_TRACKING_ID_HEADER } from '../telemetry.constants';
import type {
  BatchOptions,
  ExportThread,
  LogsExporterKind,
  OtlpProtocol,
  TelemetryEnvironment,
  TelemetrySdkOptions,
  TraceExporterKind,
} from '../interfaces/telemetry-sdk-options.interface';
import type { ResolvedSdkOptions } from './resolved-telemetry-options.interface';
import { InvalidTelemetryOptionsError } from './invalid-telemetry-options.error';
import { resolveSampling } from './sampling-options.resolver';
import { blankToUndefined, bool, firstListItem, HEADER_NAME, nonEmpty, oneOf, pathPattern, positiveInteger, str } from './option-validators';

// Incubating semantic-convention keys are not exported from the stable entry point.
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
const ATTR_SERVICE_NAMESPACE = 'service.namespace';

const ENVIRONMENTS: readonly TelemetryEnvironment[] = ['dev', 'staging', 'prod'];
const EXPORTERS: readonly TraceExporterKind[] = ['otlp', 'console', 'none'];
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
const LOGS_EXPORTERS: readonly LogsExporterKind[] = ['otlp', 'none'];
const EXPORT_THREADS: readonly ExportThread[] = ['worker', 'main'];

type Env = Record<string, string | undefined>;

/**
 * Turns `startTelemetry()` options into the options the runtime runs on: option first, then the
 * standard `OTEL_*` variable, then the default. This is the only place that reads the
 * environment, so the module and the early SDK start agree on every value.
 * @throws InvalidTelemetryOptionsError naming the first invalid option
 * @publicApi
 */
export function resolveSdkOptions(options: TelemetrySdkOptions = {}): ResolvedSdkOptions {
  const env: Env = process.env;
  const fromResource = resourceAttributesFromEnv();

  const serviceName = nonEmpty(
    'serviceName',
    options.serviceName ?? blankToUndefined(env.OTEL_SERVICE_NAME) ?? str(fromResource[ATTR_SERVICE_NAME]) ?? 'unknown_service:node',
  );
  const serviceVersion = nonEmpty(
    'serviceVersion',
    options.serviceVersion ?? str(fromResource[ATTR_SERVICE_VERSION]) ?? blankToUndefined(env.npm_package_version) ?? '0.0.0',
  );
  const environment = oneOf(
    'environment',
    options.environment ?? str(fromResource[ATTR_DEPLOYMENT_ENVIRONMENT_NAME]) ?? 'dev',
    ENVIRONMENTS,
  );
  const project = nonEmpty('project', options.project ?? str(fromResource[ATTR_SERVICE_NAMESPACE]) ?? 'default');

  const otlpProtocol = oneOf(
    'otlpProtocol',
    options.otlpProtocol ??
      blankToUndefined(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ??
      blankToUndefined(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
      'http/protobuf',
    PROTOCOLS,
  );
  const otlpTracesUrl = signalUrl('traces', options.otlpEndpoint, env, otlpProtocol);
  const traceExporter = oneOf(
    'traceExporter',
    options.traceExporter ?? firstListItem(env.OTEL_TRACES_EXPORTER) ?? (otlpTracesUrl ? 'otlp' : 'none'),
    EXPORTERS,
  );

  const logsExporter = oneOf('logsExporter', options.logsExporter ?? firstListItem(env.OTEL_LOGS_EXPORTER) ?? 'none', LOGS_EXPORTERS);
  const otlpLogsUrl = logsExporter === 'otlp' ? signalUrl('logs', options.otlpEndpoint, env, otlpProtocol) : undefined;
  if (logsExporter === 'otlp' && !otlpLogsUrl) {
    throw new InvalidTelemetryOptionsError('logsExporter', 'otlp', 'an OTLP endpoint as well (otlpEndpoint, OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT)');
  }

  return {
    serviceName,
    serviceVersion,
    environment,
    project,
    resourceAttributes: validResourceAttributes(options.resourceAttributes ?? {}),
    detectResources: bool('detectResources', options.detectResources ?? true),
    traceExporter,
    otlpTracesUrl,
    otlpProtocol,
    logsExporter,
    otlpLogsUrl,
    spanExporter: options.spanExporter,
    batch: bool('batch', options.batch ?? true),
    batchOptions: batchOptions(options.batchOptions ?? {}, env),
    exportThread: oneOf('exportThread', options.exportThread ?? 'worker', EXPORT_THREADS),
    sampling: resolveSampling(options, env, environment),
    ignorePaths: ignorePaths(options.ignorePaths ?? [...DEFAULT_IGNORED_PATHS]),
    trackingIdHeader: headerName(options.trackingIdHeader ?? DEFAULT_TRACKING_ID_HEADER),
    serverTiming: bool('serverTiming', options.serverTiming ?? false),
    shutdownTimeoutMillis: positiveInteger('shutdownTimeoutMillis', options.shutdownTimeoutMillis ?? 10_000),
    exportErrorLogIntervalMillis: positiveInteger('exportErrorLogIntervalMillis', options.exportErrorLogIntervalMillis ?? 60_000),
    instrumentations: {
      http: bool('instrumentations.http', options.instrumentations?.http ?? true),
      undici: bool('instrumentations.undici', options.instrumentations?.undici ?? true),
      express: bool('instrumentations.express', options.instrumentations?.express ?? false),
      nestjs: bool('instrumentations.nestjs', options.instrumentations?.nestjs ?? false),
      extra: extraInstrumentations(options.instrumentations?.extra ?? []),
    },
  };
}

/**
 * `OTEL_RESOURCE_ATTRIBUTES` (and `OTEL_SERVICE_NAME`), parsed and percent-decoded by
 * OpenTelemetry's own detector, which reads `process.env`.
 * @internal
 */
export function resourceAttributesFromEnv(): Record<string, unknown> {
  return { ...(envDetector.detect().attributes ?? {}) };
}

/** The URL of one signal's OTLP endpoint: the option, the signal's variable, the base variable. */
function signalUrl(signal: 'traces' | 'logs', endpoint: string | undefined, env: Env, protocol: OtlpProtocol): string | undefined {
  if (endpoint !== undefined) return joinSignalPath(otlpUrl('otlpEndpoint', endpoint, protocol), signal, protocol);
  const variable = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
  const signalSpecific = blankToUndefined(env[variable]);
  // The signal-specific variable is a full URL, used as is (OTLP exporter spec).
  if (signalSpecific) return otlpUrl(`otlpEndpoint (${variable})`, signalSpecific, protocol);
  const base = blankToUndefined(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base) return joinSignalPath(otlpUrl('otlpEndpoint (OTEL_EXPORTER_OTLP_ENDPOINT)', base, protocol), signal, protocol);
  return undefined;
}

// The ports the OTLP specification assigns: gRPC on 4317, HTTP on 4318.
const OTLP_GRPC_PORT = '4317';
const OTLP_HTTP_PORT = '4318';

/**
 * An endpoint URL that can work with the protocol: an HTTP exporter sent to the gRPC
 * port (the most common OTLP mistake) fails every export with an opaque error long after
 * start-up, so it is refused here, saying what to change.
 */
function otlpUrl(option: string, value: unknown, protocol: OtlpProtocol): string {
  const checked = url(option, value);
  const port = new URL(checked).port;
  if (protocol !== 'grpc' && port === OTLP_GRPC_PORT) {
    throw new InvalidTelemetryOptionsError(
      option,
      value,
      `the collector's OTLP/HTTP port (${OTLP_HTTP_PORT} by convention) for the ${protocol} protocol: ${OTLP_GRPC_PORT} is OTLP/gRPC's. Use port ${OTLP_HTTP_PORT}, or set OTEL_EXPORTER_OTLP_PROTOCOL=grpc (otlpProtocol: 'grpc') to export over gRPC`,
    );
  }
  if (protocol === 'grpc' && port === OTLP_HTTP_PORT) {
    throw new InvalidTelemetryOptionsError(
      option,
      value,
      `the collector's OTLP/gRPC port (${OTLP_GRPC_PORT} by convention) for the grpc protocol: ${OTLP_HTTP_PORT} is OTLP/HTTP's. Use port ${OTLP_GRPC_PORT}, or an HTTP protocol (http/protobuf, the default)`,
    );
  }
  return checked;
}

function joinSignalPath(base: string, signal: 'traces' | 'logs', protocol: OtlpProtocol): string {
  if (protocol === 'grpc') return base;
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

function url(option: string, value: unknown): string {
  if (typeof value === 'string') {
    try {
      const parsed = new URL(value);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value;
    } catch {
      // fall through to the error below
    }
  }
  throw new InvalidTelemetryOptionsError(option, value, 'an http(s) URL such as "http://localhost:4318"');
}

const BATCH_ENV: Record<keyof BatchOptions, string> = {
  scheduledDelayMillis: 'OTEL_BSP_SCHEDULE_DELAY',
  maxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
  maxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  exportTimeoutMillis: 'OTEL_BSP_EXPORT_TIMEOUT',
};

function batchOptions(options: BatchOptions, env: Env): BatchOptions {
  const resolved: BatchOptions = {};
  for (const [key, variable] of Object.entries(BATCH_ENV) as [keyof BatchOptions, string][]) {
    const raw: unknown = options[key] ?? blankToUndefined(env[variable]);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < (key === 'scheduledDelayMillis' ? 0 : 1)) {
      const name = options[key] === undefined ? `batchOptions.${key} (${variable})` : `batchOptions.${key}`;
      throw new InvalidTelemetryOptionsError(name, raw, 'a positive integer');
    }
    resolved[key] = value;
  }
  return resolved;
}

function extraInstrumentations(value: unknown): Instrumentation[] {
  if (!Array.isArray(value)) throw new InvalidTelemetryOptionsError('instrumentations.extra', value, 'an array of OpenTelemetry instrumentations');
  value.forEach((item: unknown, index) => {
    const candidate = item as Partial<Instrumentation> | null;
    if (typeof candidate?.enable !== 'function' || typeof candidate.setTracerProvider !== 'function') {
      throw new InvalidTelemetryOptionsError(`instrumentations.extra[${index}]`, item, 'an OpenTelemetry instrumentation (e.g. new PgInstrumentation())');
    }
  });
  return value as Instrumentation[];
}

function ignorePaths(value: unknown): (string | RegExp)[] {
  if (!Array.isArray(value)) throw new InvalidTelemetryOptionsError('ignorePaths', value, 'an array of paths or RegExps');
  return value.map((path: unknown) => pathPattern('ignorePaths', path));
}

function validResourceAttributes(value: unknown): Record<string, string | number | boolean> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTelemetryOptionsError('resourceAttributes', value, 'an object of string, number or boolean values');
  }
  for (const [key, attr] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof attr)) {
      throw new InvalidTelemetryOptionsError(`resourceAttributes.${key}`, attr, 'a string, number or boolean');
    }
  }
  return value as Record<string, string | number | boolean>;
}

function headerName(value: unknown): string {
  if (typeof value === 'string' && HEADER_NAME.test(value)) return value;
  throw new InvalidTelemetryOptionsError('trackingIdHeader', value, 'an HTTP header name such as "X-Tracking-ID"');
}

