import pino, { type Logger } from 'pino';
import type { CompletedRequest } from '../http/http-request-observer.interface';
import { routesByLevel } from './log-destination';
import { PREFORMATTED } from './log-line';

const { lsCacheSym, timeSym, chindingsSym, endSym, streamSym, messageKeySym } = pino.symbols;

/** The access line's levels: INFO for 2xx/3xx, WARN for 4xx, ERROR for 5xx. */
export type AccessLineLevel = 'info' | 'warn' | 'error';

/** What the access line says of a request, besides what the completed request holds. @internal */
export interface AccessLineFields {
  ip: string | undefined;
  requestSize: number | undefined;
  responseSize: number | undefined;
  contentType: unknown;
}

/**
 * The access line's own fields as a JSON fragment (`,"tracking_id":…,"request":{…},"response":{…}`),
 * in the order and shape pino writes the equivalent object, and its message as JSON. Every
 * string a client or the app chose is a `JSON.stringify` of itself: a path or user agent
 * cannot break the line. The ids are hex, as the span context's validation and the
 * tracking id's own rules make them, and are quoted as they are: JSON.stringify is a call
 * into the runtime, and a line had ten of them.
 * @internal
 */
export function accessLineFields(completed: CompletedRequest, fields: AccessLineFields): AccessLineText {
  const { method, path, route, status, aborted, seconds, spanContext, trackingId, request } = completed;
  let line = trackingId === undefined ? '' : `,"tracking_id":"${trackingId}"`;
  if (spanContext) line += `,"tracing":{"trace_id":"${spanContext.traceId}","span_id":"${spanContext.spanId}"}`;
  const methodJson = lastMethod.json(method);
  const plainPath = isPlainJsonText(path);
  const pathJson = plainPath ? `"${path}"` : JSON.stringify(path);
  line += `,"request":{"method":${methodJson},"path":${pathJson}`;
  if (route !== undefined) line += `,"route":${lastRoute.json(route)}`;
  line += `,"duration":${secondsOfMicros(Math.round(seconds * 1e6))}`;
  if (fields.requestSize !== undefined) line += `,"size":${number(fields.requestSize)}`;
  const userAgent = request.headers['user-agent'];
  if (userAgent !== undefined) line += `,"user_agent":${typeof userAgent === 'string' ? lastUserAgent.json(userAgent) : json(userAgent)}`;
  if (fields.ip !== undefined) line += `,"ip":${lastIp.json(fields.ip)}`;
  line += `},"response":{"status":${number(status)}`;
  if (fields.responseSize !== undefined) line += `,"size":${number(fields.responseSize)}`;
  const contentType = typeof fields.contentType === 'string' ? lastContentType.json(fields.contentType) : valueOf(fields.contentType);
  if (contentType !== undefined) line += `,"content_type":${contentType}`;
  if (aborted) line += ',"aborted":true';
  // `{METHOD} {path} {status}`: JSON escapes character by character, so the message is the
  // method's and the path's JSON joined, without a third pass over the path; a plain
  // method or path is its own JSON text, taken without a substring (a call into V8's runtime).
  const methodText = isPlainJsonText(method) ? method : methodJson.slice(1, -1);
  const pathText = plainPath ? path : pathJson.slice(1, -1);
  return { fields: `${line}}`, messageJson: `"${methodText} ${pathText} ${status}"` };
}

/**
 * The JSON of the last string seen in one field of the access line. The method, route,
 * user agent, client address and content type mostly repeat from one line to the next:
 * comparing with the last one is cheaper than `JSON.stringify` again (the fields of a
 * line took 590 ns in a loop, 260 with these).
 */
class LastJson {
  private value: string | undefined;
  private text = '';

  json(value: string): string {
    if (value !== this.value) {
      this.text = JSON.stringify(value);
      this.value = value;
    }
    return this.text;
  }
}

const lastMethod = new LastJson();
const lastRoute = new LastJson();
const lastUserAgent = new LastJson();
const lastIp = new LastJson();
const lastContentType = new LastJson();

/** An access line's fields (a JSON fragment) and its message (a JSON string). @internal */
export interface AccessLineText {
  fields: string;
  messageJson: string;
}

/**
 * Writes access lines straight to the logger's destination, framed as the logger frames
 * every line (its level label, `@timestamp`, bindings, `@message`): the generic path
 * (mixin, merge, formatter, a walk over the object) costs several microseconds a request
 * for a line whose shape is fixed. The logger's level is honoured; a destination that
 * routes by level gets the line through the logger itself, with the metadata it reads.
 * @internal
 */
export class AccessLineWriter {
  /** The logger's message key as JSON, made once (a logger's message key is set when it is created). */
  private readonly messageKeyJson: string;

  constructor(private readonly logger: Logger) {
    this.messageKeyJson = json((logger as Logger & Record<symbol, unknown>)[messageKeySym] as string);
  }

  /** Whether the logger writes lines of this level now (its level can change at run time). */
  enabled(level: AccessLineLevel): boolean {
    return this.logger.isLevelEnabled(level);
  }

  /** Writes one line; the caller checked `enabled(level)`. */
  write(level: AccessLineLevel, { fields, messageJson }: AccessLineText): void {
    const logger = this.logger as Logger & Record<symbol, unknown>;
    const stream = logger[streamSym] as { write(line: string): unknown };
    if (routesByLevel(stream)) {
      logger[level]({ ...(JSON.parse(`{${fields.slice(1)}}`) as object), [PREFORMATTED]: true }, JSON.parse(messageJson) as string);
      return;
    }
    const levelValue = logger.levels.values[level];
    const label = (logger[lsCacheSym] as Record<number, string>)[levelValue];
    const time = (logger[timeSym] as () => string)();
    stream.write(`${label}${time}${logger[chindingsSym] as string}${fields},${this.messageKeyJson}:${messageJson}${logger[endSym] as string}`);
  }
}

function json(value: string | string[]): string {
  return JSON.stringify(value);
}

// Text longer than this goes to JSON.stringify without being looked at first.
const MAX_SCANNED_TEXT = 256;

/**
 * Whether a string is its own JSON text once quoted: every character printable ASCII other
 * than `"` and `\`, nothing for JSON to escape. The path is the one field of the line that
 * changes on every request, and `JSON.stringify` is a call into V8's C++ runtime (0.4 µs
 * a request in the app's profile); this loop is compiled code.
 */
function isPlainJsonText(text: string): boolean {
  if (text.length > MAX_SCANNED_TEXT) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
  }
  return true;
}

// "000" to "999", and the same without trailing zeros ("120" -> "12", "000" -> "").
const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));
const THREE_DIGITS_TRIMMED = THREE_DIGITS.map((digits) => digits.replace(/0+$/, ''));

/**
 * Whole microseconds as seconds, the text `String(micros / 1e6)` gives (`0.000187`), from
 * digits of integers: a fraction of a second is a heap number, whose text V8's number
 * cache mostly misses (Runtime_NumberToStringSlow, 0.25 µs a request in the app's profile).
 * @internal
 */
export function secondsOfMicros(micros: number): string {
  if (!(micros >= 0 && micros < 1e15) || !Number.isInteger(micros)) return number(micros / 1e6);
  const whole = Math.floor(micros / 1e6);
  const fraction = micros - whole * 1e6;
  if (fraction === 0) return String(whole);
  const high = Math.floor(fraction / 1000);
  const low = fraction - high * 1000;
  return low === 0 ? `${whole}.${THREE_DIGITS_TRIMMED[high]}` : `${whole}.${THREE_DIGITS[high]}${THREE_DIGITS_TRIMMED[low]}`;
}

// As pino writes numbers: a value JSON has no number for is null.
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** A header value the app set, as JSON: a string, a number, or a list of them. */
function valueOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return json(value);
  if (typeof value === 'number') return number(value);
  if (Array.isArray(value)) return json(value.map(String));
  return json(String(value));
}
