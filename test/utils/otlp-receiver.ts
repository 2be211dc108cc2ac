import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as protobuf from 'protobufjs';
import { OTLP_TRACE_PROTO } from './otlp-trace.proto';

/** OTLP span kinds and status codes, as numbers on the wire. */
export const SpanKindCode = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** One received span, flattened for assertions. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  statusCode: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
}

const root = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: true }).root;
const ExportTraceServiceRequest = root.lookupType('otlp.ExportTraceServiceRequest');

/**
 * A minimal OTLP/HTTP trace receiver on 127.0.0.1, as a collector would be:
 * `POST /v1/traces` with `application/x-protobuf` (the SDK default) or
 * `application/json`. Stores what it receives for assertions.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes = new Set<string>();
  /** The last request body, as the exporter sent it. */
  lastBody: Buffer | undefined;
  private server: Server | undefined;

  /** Listens on 127.0.0.1 (`port` 0: any free port) and returns the base URL. */
  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        (status) => {
          response.statusCode = status;
          // An empty ExportTraceServiceResponse: all spans accepted.
          response.setHeader('content-type', 'application/x-protobuf');
          response.end();
        },
        () => {
          response.statusCode = 400;
          response.end();
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Waits until `predicate` holds over the spans received so far. */
  async waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 15_000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.spans)) {
      if (Date.now() > deadline) {
        throw new Error(`OTLP receiver: condition not met in ${timeoutMs} ms; received ${this.spans.length} spans: ${this.spans.slice(0, 20).map((s) => `${s.service}:${s.name}`).join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.spans;
  }

  private async handle(request: IncomingMessage): Promise<number> {
    if (request.method !== 'POST' || request.url !== '/v1/traces') return 404;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.lastBody = body;
    const contentType = String(request.headers['content-type'] ?? '');
    this.contentTypes.add(contentType);
    const decoded = contentType.includes('json')
      ? (JSON.parse(body.toString('utf8')) as unknown)
      : ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), { longs: String, bytes: String });
    this.spans.push(...flatten(decoded, contentType.includes('json')));
    return 200;
  }
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function flatten(request: unknown, json: boolean): ReceivedSpan[] {
  // JSON OTLP uses lowerCamelCase and hex ids; protobuf (keepCase) uses snake_case and base64 bytes.
  const get = (o: Json, snake: string): any => (json ? o[snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] : o[snake]);
  const id = (value: unknown): string | undefined => {
    if (typeof value !== 'string' || value === '') return undefined;
    return json ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
  };
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of (get(request as Json, 'resource_spans') ?? []) as Json[]) {
    const resource = attributes(get(resourceSpans.resource ?? {}, 'attributes'), get);
    for (const scopeSpans of (get(resourceSpans, 'scope_spans') ?? []) as Json[]) {
      for (const span of (scopeSpans.spans ?? []) as Json[]) {
        out.push({
          service: String(resource['service.name']),
          traceId: id(get(span, 'trace_id'))!,
          spanId: id(get(span, 'span_id'))!,
          parentSpanId: id(get(span, 'parent_span_id')),
          name: span.name,
          kind: Number(span.kind),
          statusCode: Number(span.status?.code ?? 0),
          attributes: attributes(span.attributes, get),
          events: ((span.events ?? []) as Json[]).map((event) => ({ name: event.name, attributes: attributes(event.attributes, get) })),
          resource,
        });
      }
    }
  }
  return out;
}

function attributes(list: unknown, get: (o: Json, snake: string) => any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of (list ?? []) as Json[]) out[key] = anyValue(value, get);
  return out;
}

function anyValue(value: Json | undefined, get: (o: Json, snake: string) => any): unknown {
  if (!value) return undefined;
  for (const key of ['string_value', 'bool_value', 'int_value', 'double_value']) {
    const scalar = get(value, key);
    if (scalar !== undefined && scalar !== null) return key === 'int_value' ? Number(scalar) : scalar;
  }
  const array = get(value, 'array_value');
  if (array) return ((array.values ?? []) as Json[]).map((item) => anyValue(item, get));
  return undefined;
}
