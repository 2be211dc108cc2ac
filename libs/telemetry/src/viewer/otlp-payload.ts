import { parse } from 'protobufjs';
import { OTLP_PROTO } from './otlp.proto';
import { SPAN_KINDS, type ViewerLogRecord, type ViewerSpan } from './telemetry-records';

/** An OTLP payload the viewer cannot read: answered with 400 and this message. @publicApi */
export class MalformedOtlpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedOtlpError';
  }
}

/** A content type the receiver does not speak: answered with 415. @publicApi */
export class UnsupportedContentTypeError extends Error {
  constructor(contentType: string) {
    super(`unsupported content type ${JSON.stringify(contentType.slice(0, 100))}: send application/json or application/x-protobuf`);
    this.name = 'UnsupportedContentTypeError';
  }
}

type Json = Record<string, unknown>;
type Encoding = 'json' | 'protobuf';

interface ProtobufTypes {
  decodeTraces(body: Buffer): Json;
  decodeLogs(body: Buffer): Json;
}
let protobuf: ProtobufTypes | undefined;

function protobufTypes(): ProtobufTypes {
  if (protobuf) return protobuf;
  // keepCase off: protobuf fields get the same lowerCamelCase names as OTLP/JSON.
  const root = parse(OTLP_PROTO).root;
  const decoder = (name: string) => {
    const type = root.lookupType(`otlp.${name}`);
    return (body: Buffer) => type.toObject(type.decode(body), { longs: String, bytes: String, enums: Number, defaults: false }) as Json;
  };
  protobuf = { decodeTraces: decoder('ExportTraceServiceRequest'), decodeLogs: decoder('ExportLogsServiceRequest') };
  return protobuf;
}

function encodingOf(contentType: string | undefined): Encoding {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  throw new UnsupportedContentTypeError(type);
}

function decode(body: Buffer, contentType: string | undefined, kind: 'traces' | 'logs'): { request: Json; encoding: Encoding } {
  const encoding = encodingOf(contentType);
  let request: unknown;
  try {
    request = encoding === 'json' ? JSON.parse(body.toString('utf8')) : kind === 'traces' ? protobufTypes().decodeTraces(body) : protobufTypes().decodeLogs(body);
  } catch (error) {
    throw new MalformedOtlpError(`${kind} payload is not valid ${encoding === 'json' ? 'JSON' : 'OTLP protobuf'}: ${(error as Error).message}`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new MalformedOtlpError(`${kind} payload is not an object`);
  return { request: request as Json, encoding };
}

/** The spans of an OTLP/HTTP trace export request (JSON or protobuf). @internal */
export function spansOf(body: Buffer, contentType: string | undefined): ViewerSpan[] {
  const { request, encoding } = decode(body, contentType, 'traces');
  const ids = idReader(encoding);
  const spans: ViewerSpan[] = [];
  for (const { resource, service, scope, item: span } of scopedItems(request, ['resourceSpans', 'scopeSpans', 'spans'])) {
    const start = nanos(span.startTimeUnixNano, 'startTimeUnixNano');
    const end = nanos(span.endTimeUnixNano, 'endTimeUnixNano');
    const status = field(span, 'status');
    const code = Number(status?.code ?? 0);
    spans.push({
      traceId: ids(span.traceId, 'traceId', 32)!,
      spanId: ids(span.spanId, 'spanId', 16)!,
      parentSpanId: ids(span.parentSpanId, 'parentSpanId', 16, true),
      name: typeof span.name === 'string' ? span.name.slice(0, 1024) : fail('span.name must be a string'),
      kind: SPAN_KINDS[Number(span.kind ?? 0)] ?? 'UNSPECIFIED',
      service,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: end.toString(),
      startMs: millisOf(start),
      durationMs: end >= start ? millisOf(end - start) : 0,
      status: code === 2 ? 'error' : code === 1 ? 'ok' : 'unset',
      statusMessage: typeof status?.message === 'string' && status.message !== '' ? status.message : undefined,
      attributes: attributesOf(span.attributes),
      events: list(span.events ?? [], 'events').map((event) => ({
        name: String(event.name ?? ''),
        timeMs: millisOf(nanos(event.timeUnixNano ?? 0, 'timeUnixNano')),
        attributes: attributesOf(event.attributes),
      })),
      resource,
      scope,
    });
  }
  return spans;
}

/** The log records of an OTLP/HTTP logs export request (JSON or protobuf). @internal */
export function logRecordsOf(body: Buffer, contentType: string | undefined): ViewerLogRecord[] {
  const { request, encoding } = decode(body, contentType, 'logs');
  const ids = idReader(encoding);
  const records: ViewerLogRecord[] = [];
  for (const { service, item: record } of scopedItems(request, ['resourceLogs', 'scopeLogs', 'logRecords'])) {
    const time = nanos(record.timeUnixNano ?? record.observedTimeUnixNano ?? 0, 'timeUnixNano');
    const body = valueOf(record.body);
    records.push({
      timeMs: millisOf(time),
      service,
      severity: typeof record.severityText === 'string' && record.severityText !== '' ? record.severityText : 'UNSPECIFIED',
      body: typeof body === 'string' ? body : JSON.stringify(body ?? ''),
      traceId: ids(record.traceId, 'traceId', 32, true),
      spanId: ids(record.spanId, 'spanId', 16, true),
      attributes: attributesOf(record.attributes),
    });
  }
  return records;
}

/**
 * Every item of an OTLP request (`resourceSpans` → `scopeSpans` → `spans`, or the logs'
 * equivalents) with its resource's attributes, its service name and its scope's name.
 */
function* scopedItems(request: Json, [resources, scopes, items]: [string, string, string]) {
  for (const resourceGroup of list(request[resources], resources)) {
    const resource = attributesOf(field(resourceGroup, 'resource')?.attributes);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const scopeGroup of list(field(resourceGroup, scopes), scopes)) {
      const scope = String(field(scopeGroup, 'scope')?.name ?? '');
      for (const item of list(field(scopeGroup, items), items)) yield { resource, service, scope, item };
    }
  }
}

function fail(message: string): never {
  throw new MalformedOtlpError(message);
}

function list(value: unknown, name: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'object' || item === null)) fail(`${name} must be a list of objects`);
  return value as Json[];
}

function field(object: Json, name: string): Json | undefined {
  const value = object[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') fail(`${name} must be an object`);
  return value as Json;
}

function nanos(value: unknown, name: string): bigint {
  if ((typeof value === 'string' && /^\d{1,20}$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return BigInt(value);
  return fail(`${name} must be a non-negative integer, got ${JSON.stringify(value)?.slice(0, 40)}`);
}

/** Nanoseconds to milliseconds, keeping microseconds. */
function millisOf(nanoseconds: bigint): number {
  return Number(nanoseconds / 1000n) / 1000;
}

/** OTLP/JSON carries ids as hex, protobuf (through protobufjs) as base64 bytes. */
function idReader(encoding: Encoding) {
  return (value: unknown, name: string, hexLength: number, optional = false): string | undefined => {
    if ((value === undefined || value === '') && optional) return undefined;
    if (typeof value !== 'string') return fail(`${name} must be a string`);
    const hex = encoding === 'json' ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
    if (optional && /^0+$/.test(hex)) return undefined;
    if (hex.length !== hexLength || !/^[0-9a-f]+$/.test(hex) || /^0+$/.test(hex)) return fail(`${name} must be ${hexLength} hex digits, got ${JSON.stringify(value.slice(0, 64))}`);
    return hex;
  };
}

function attributesOf(value: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const { key, value: item } of list(value ?? [], 'attributes')) {
    if (typeof key !== 'string') fail('attribute key must be a string');
    attributes[key as string] = valueOf(item);
  }
  return attributes;
}

function valueOf(value: unknown): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  const any = value as Json;
  if ('stringValue' in any) return String(any.stringValue);
  if ('boolValue' in any) return Boolean(any.boolValue);
  if ('intValue' in any) return Number(any.intValue);
  if ('doubleValue' in any) return Number(any.doubleValue);
  if ('bytesValue' in any) return String(any.bytesValue);
  if ('arrayValue' in any) return list((any.arrayValue as Json | undefined)?.values ?? [], 'arrayValue').map(valueOf);
  if ('kvlistValue' in any) return attributesOf((any.kvlistValue as Json | undefined)?.values ?? []);
  return undefined;
}
