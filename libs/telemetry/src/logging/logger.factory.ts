import type { Params } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { asyncFileDestination, type LogDestination } from './log-destination';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { Logger as LogRecordLogger } from '@opentelemetry/api';
import { requireOptionalPeer } from '../sdk/optional-peer';
import { withOtlpLogBridge } from './otlp-log-bridge';
import { recordErrorLog } from './error-span-event';
import { boundFieldCount, guardBoundFields } from './bound-fields';
import { correlationFields, createFieldShaper, createLogObjectFormatter, FORMAT_ERROR_KEY, formatErrorOf, lineBudget, PREFORMATTED } from './log-line';
import { callerSource } from './log-source';

const ERROR_LEVEL = 50;
const MAX_WRITE_BYTES = 1024 * 1024;

/** The app's root pino logger and where it writes. @internal */
export interface TelemetryLogger {
  logger: Logger;
  destination: LogDestination;
}

/**
 * The app's pino logger, writing CloudWatch / Loki shaped JSON lines:
 * `@timestamp` (ISO 8601 UTC, ms), `@level`, `@message`, `service`, `tracking_id`,
 * `tracing` while a span is active, the caller's fields in their groups.
 * @internal
 */
export function createTelemetryLogger(options: ResolvedTelemetryOptions, logRecordLogger?: LogRecordLogger): TelemetryLogger {
  const written = createDestination(options);
  // With `logsExporter: 'otlp'`, each line also goes out as an OTLP log record.
  const destination = logRecordLogger ? withOtlpLogBridge(written, logRecordLogger) : written;
  // The logger writing the current line: pino formats a line synchronously inside the
  // level method, so what logMethod saw is still the writer when the formatter runs.
  let writer: object = {};
  const formatLogObject = createLogObjectFormatter(options.logging, () => boundFieldCount(writer));
  const pinoOptions: LoggerOptions = {
    level: options.logging.level,
    messageKey: '@message',
    base: { service: options.serviceName },
    timestamp: isoTimestamp,
    formatters: {
      level: (label) => ({ '@level': label.toUpperCase() }),
      log: formatLogObject,
    },
    mixin: options.logging.source ? withSource : correlationFields,
    mixinMergeStrategy: mergeSafely,
    hooks: {
      logMethod(args, method, level) {
        // The caller's objects may throw when read (getters, proxies): the line is still written.
        if (level >= ERROR_LEVEL) {
          try {
            recordErrorLog(level, args);
          } catch {
            // The span event is lost, not the line.
          }
        }
        writer = this;
        return method.apply(this, withMessage(args) as never);
      },
    },
  };
  const logger = pino(pinoOptions, destination as DestinationStream);
  guardBoundFields(logger, createFieldShaper(options.logging), lineBudget(options.logging.maxFields));
  return { logger, destination };
}

// Lines come in bursts within the same millisecond: format each millisecond once, and
// the date and time (toISOString, over a microsecond here) once a second.
let lastMillis = -1;
let lastTimestamp = '';
let lastSecond = Number.NaN;
let secondPrefix = '';
function isoTimestamp(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    const millis = now % 1000;
    const second = now - millis;
    if (second !== lastSecond) {
      lastSecond = second;
      // "2026-11-23T02:12:58." : the milliseconds and the zone follow.
      secondPrefix = `,"@timestamp":"${new Date(second).toISOString().slice(0, 20)}`;
    }
    lastTimestamp = `${secondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z"`;
  }
  return lastTimestamp;
}

/**
 * pino's own merge of the caller's fields (`Object.assign`) reads every one of them: a
 * getter that throws would throw out of `logger.info()`. The line keeps its correlation
 * fields and says why the rest was left out.
 */
function mergeSafely(mergeObject: object, mixinObject: object): object {
  try {
    return Object.assign(mixinObject, mergeObject);
  } catch (error) {
    return { ...mixinObject, [FORMAT_ERROR_KEY]: formatErrorOf(error) };
  }
}

/** The correlation fields, and where the line was logged from (`logging.source`); the access line has no caller. */
function withSource(mergeObject: object): object {
  const fields = correlationFields(mergeObject);
  if ((mergeObject as { [PREFORMATTED]?: true })[PREFORMATTED]) return fields;
  const source = callerSource();
  return source ? { ...fields, source } : fields;
}

/** Every line has a message, even one logged as an object alone. */
function withMessage(args: unknown[]): unknown[] {
  if (args.length !== 1 || typeof args[0] !== 'object' || args[0] === null) return args;
  const only = args[0] as { message?: unknown };
  try {
    return [only, only instanceof Error ? only.message : typeof only.message === 'string' ? only.message : ''];
  } catch {
    return [only, ''];
  }
}

/** nestjs-pino's parameters around the app's logger. @internal */
export function createLoggerParams(logger: Logger, requestContext: boolean): Params {
  return {
    // nestjs-pino's per-request middleware (a child logger per request, for `assign()`)
    // only where the app logs through it and asked for it.
    ...(requestContext ? {} : { forRoutes: [] }),
    pinoHttp: {
      logger,
      // The access log comes from the request pipeline, which also sees requests that
      // never reach a Nest middleware (body-parser errors).
      autoLogging: false,
      // pino-http binds the whole request (or a request id) to every request logger:
      // noise, headers in every line, and the tracking id already identifies the request.
      wrapSerializers: false,
      serializers: { req: omit, res: omit },
    },
  };
}

const omit = (): undefined => undefined;

function createDestination(options: ResolvedTelemetryOptions): TelemetryLogger['destination'] {
  if (options.logging.destination) return options.logging.destination as DestinationStream;
  if (options.logging.pretty) {
    // An optional peer, loaded only when asked for: production images need not ship it.
    const pretty = requireOptionalPeer<typeof import('pino-pretty')>('pino-pretty', 'logging.pretty');
    return pretty({
      messageKey: '@message',
      timestampKey: '@timestamp',
      levelKey: '@level',
      ignore: 'service,source,tracing,tracking_id',
      messageFormat: `[${options.serviceName}] {if source.module}{source.module}: {end}{@message}{if tracking_id} (tracking_id {tracking_id}){end}`,
      sync: true,
    });
  }
  // pino's async mode: lines are buffered off the event loop's hot path and flushed on
  // shutdown and on exit. One write carries up to 1 MiB of buffered lines, not sonic-boom's
  // default 16 KiB: with one write in flight at a time, 16 KiB writes fell behind a
  // sustained 2,800 lines/s (the soak benchmark) and the backlog grew without bound.
  return asyncFileDestination(1, MAX_WRITE_BYTES);
}
