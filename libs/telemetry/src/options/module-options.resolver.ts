import { isDeepStrictEqual } from 'node:util';
import type { TelemetryLogLevel, TelemetryModuleOptions } from '../interfaces/telemetry-module-options.interface';
import type { TelemetryEnvironment, TelemetrySdkOptions } from '../interfaces/telemetry-sdk-options.interface';
import type { ResolvedAppOptions, ResolvedSdkOptions, ResolvedTelemetryOptions } from './resolved-telemetry-options.interface';
import { blankToUndefined, bool, destination, nonEmpty, oneOf, port, positiveInteger, stringList } from './option-validators';
import { isPeerInstalled } from '../sdk/optional-peer';
import { resolveSdkOptions } from './sdk-options.resolver';
import { TelemetryOptionsConflictError } from './telemetry-options-conflict.error';

const LOG_LEVELS: readonly TelemetryLogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
// Quiet where volume costs money, chatty where a developer reads along.
const DEFAULT_LOG_LEVELS: Record<TelemetryEnvironment, TelemetryLogLevel> = { prod: 'warn', staging: 'info', dev: 'debug' };

/** Each SDK-level option and the resolved field it becomes. */
const SDK_OPTION_FIELDS: Record<keyof TelemetrySdkOptions, keyof ResolvedSdkOptions> = {
  serviceName: 'serviceName',
  serviceVersion: 'serviceVersion',
  environment: 'environment',
  project: 'project',
  resourceAttributes: 'resourceAttributes',
  detectResources: 'detectResources',
  traceExporter: 'traceExporter',
  otlpEndpoint: 'otlpTracesUrl',
  otlpProtocol: 'otlpProtocol',
  logsExporter: 'logsExporter',
  spanExporter: 'spanExporter',
  batch: 'batch',
  batchOptions: 'batchOptions',
  exportThread: 'exportThread',
  samplingRatio: 'sampling',
  sampler: 'sampling',
  ignorePaths: 'ignorePaths',
  trackingIdHeader: 'trackingIdHeader',
  serverTiming: 'serverTiming',
  shutdownTimeoutMillis: 'shutdownTimeoutMillis',
  exportErrorLogIntervalMillis: 'exportErrorLogIntervalMillis',
  instrumentations: 'instrumentations',
};

/**
 * What the module runs on: the runtime's SDK options (`startTelemetry()`, or the
 * stand-in made from these same options), and the app's metrics and logging options.
 * An SDK-level option written here that disagrees with the runtime is an error, not a
 * silent second opinion.
 * @throws TelemetryOptionsConflictError, InvalidTelemetryOptionsError
 * @internal
 */
export function resolveModuleOptions(options: TelemetryModuleOptions, runtimeOptions: ResolvedSdkOptions): ResolvedTelemetryOptions {
  assertAgreesWithRuntime(options, runtimeOptions);
  return { ...runtimeOptions, ...resolveAppOptions(options, runtimeOptions.environment) };
}

/** `metrics` and `logging`, with their defaults and environment fallbacks. @internal */
export function resolveAppOptions(options: TelemetryModuleOptions, environment: TelemetryEnvironment): ResolvedAppOptions {
  const env = process.env;
  const { metrics = {}, logging = {} } = options;
  return {
    metrics: {
      enabled: bool('metrics.enabled', metrics.enabled ?? true),
      defaultMetrics: bool('metrics.defaultMetrics', metrics.defaultMetrics ?? true),
      port: metrics.port === undefined ? undefined : port('metrics.port', metrics.port),
      host: nonEmpty('metrics.host', metrics.host ?? '0.0.0.0'),
      bearerToken: metrics.bearerToken === undefined ? undefined : nonEmpty('metrics.bearerToken', metrics.bearerToken),
      maxLabelValues: positiveInteger('metrics.maxLabelValues', metrics.maxLabelValues ?? 100),
      operations: {
        bufferSize: positiveInteger('metrics.operations.bufferSize', metrics.operations?.bufferSize ?? 1000),
        endpoint: bool('metrics.operations.endpoint', metrics.operations?.endpoint ?? false),
      },
    },
    logging: {
      enabled: bool('logging.enabled', logging.enabled ?? true),
      level: oneOf('logging.level', logging.level ?? blankToUndefined(env.LOG_LEVEL)?.toLowerCase() ?? DEFAULT_LOG_LEVELS[environment], LOG_LEVELS),
      pretty: bool('logging.pretty', logging.pretty ?? envFlag(env.LOG_PRETTY) ?? prettyByDefault(environment)),
      requestContext: bool('logging.requestContext', logging.requestContext ?? false),
      accessLog: bool('logging.accessLog', logging.accessLog ?? true),
      redact: stringList('logging.redact', logging.redact ?? []),
      maskIp: bool('logging.maskIp', logging.maskIp ?? false),
      source: bool('logging.source', logging.source ?? envFlag(env.LOG_SOURCE) ?? false),
      maxFields: positiveInteger('logging.maxFields', logging.maxFields ?? 900),
      destination: destination(logging.destination),
    },
  };
}

function envFlag(value: string | undefined): boolean | undefined {
  const flag = blankToUndefined(value)?.toLowerCase();
  return flag === undefined ? undefined : flag === 'true';
}

/**
 * A developer reading along in a terminal gets readable lines; anything else (a pipe,
 * a file, a container's log driver, another environment) gets JSON. Only where
 * pino-pretty, an optional peer, is installed.
 */
function prettyByDefault(environment: TelemetryEnvironment): boolean {
  return environment === 'dev' && process.stdout.isTTY === true && isPeerInstalled('pino-pretty');
}

function assertAgreesWithRuntime(options: TelemetryModuleOptions, runtimeOptions: ResolvedSdkOptions): void {
  const given = (Object.keys(SDK_OPTION_FIELDS) as (keyof TelemetrySdkOptions)[]).filter((key) => options[key] !== undefined);
  if (given.length === 0) return;
  // Resolved the same way as startTelemetry() resolves them, so `otlpEndpoint` and its
  // `/v1/traces` URL, or a default written out, compare equal.
  const moduleView = resolveSdkOptions(options);
  for (const key of given) {
    const field = SDK_OPTION_FIELDS[key];
    if (!isDeepStrictEqual(moduleView[field], runtimeOptions[field])) {
      throw new TelemetryOptionsConflictError(key, options[key], runtimeOptions[field]);
    }
  }
}
