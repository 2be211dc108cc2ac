import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip, createInflate } from 'node:zlib';
import { BearerToken } from '../security/bearer-token';
import { LogStore } from './log-store';
import { logRecordsOf, MalformedOtlpError, spansOf, UnsupportedContentTypeError } from './otlp-payload';
import { traceToOtlpJson, tracesToCsv } from './trace-export';
import { matches, redRows, summarize, type TraceFilter, type TraceSummary } from './trace-queries';
import { TraceStore } from './trace-store';
import { resolveViewerOptions, type TelemetryViewerOptions } from './viewer-options';
import { VIEWER_PAGE } from './viewer-page';

/** A running viewer. @publicApi */
export interface TelemetryViewer {
  /** Base URL: the page at `/`, OTLP/HTTP at `/v1/traces` and `/v1/logs`. */
  readonly url: string;
  readonly traces: TraceStore;
  readonly logs: LogStore;
  close(): Promise<void>;
}

class PayloadTooLargeError extends Error {}

/**
 * Starts the zero-infrastructure telemetry viewer: an OTLP/HTTP receiver (JSON and
 * protobuf, gzip or not) that keeps recent traces and log records in bounded memory, and a
 * page that lists traces, draws one as a waterfall across services, shows its log lines,
 * and RED numbers per service and route. Services send to it exactly as to a collector
 * (`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318`), so pointing them at a real
 * collector instead switches everything over. Off outside the dev environment unless
 * enabled; a token can be required.
 * @throws TelemetryViewerDisabledError outside dev when not enabled
 * @publicApi
 */
export async function startTelemetryViewer(options: TelemetryViewerOptions = {}): Promise<TelemetryViewer> {
  const resolved = resolveViewerOptions(options);
  const traces = new TraceStore({ maxTraces: resolved.maxTraces, maxSpans: resolved.maxSpans });
  const logs = new LogStore(resolved.maxLogs);
  const token = resolved.token === undefined ? undefined : new BearerToken(resolved.token);

  const authorized = (request: IncomingMessage, url: URL): boolean => {
    if (!token) return true;
    return request.headers.authorization !== undefined ? token.authorizes(request.headers.authorization) : token.matches(url.searchParams.get('token') ?? '');
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
      else response.destroy();
      process.stderr.write(`telemetry viewer: ${(error as Error).stack ?? String(error)}\n`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://viewer');
    if (!authorized(request, url)) {
      request.resume();
      return send(response, 401, { error: 'a valid token is required (Authorization: Bearer …, or ?token=)' }, { 'www-authenticate': 'Bearer' });
    }
    const path = url.pathname;
    if (request.method === 'POST' && (path === '/v1/traces' || path === '/v1/logs')) return receive(request, response, path === '/v1/traces' ? 'traces' : 'logs');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { error: 'method not allowed' });
    if (path === '/' || path === '/_telemetry') return send(response, 200, VIEWER_PAGE, { 'content-type': 'text/html; charset=utf-8' });
    if (path === '/api/traces') return send(response, 200, { traces: listTraces(url), stats: { ...traces.stats(), ...logs.stats() } });
    if (path === '/api/traces.csv') {
      return send(response, 200, tracesToCsv(listTraces(url)), { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="traces.csv"' });
    }
    if (path === '/api/red') return send(response, 200, { rows: redRows(traces.all()) });
    if (path === '/api/logs') return send(response, 200, { logs: logs.query(url.searchParams.get('tracking_id')?.toLowerCase() || undefined) });
    const trace = /^\/api\/traces\/([0-9a-fA-F]{32})(\/otlp)?$/.exec(path);
    if (trace) {
      const spans = traces.get(trace[1].toLowerCase());
      if (!spans) return send(response, 404, { error: `no trace ${trace[1]} in the viewer (it may have been evicted)` });
      if (trace[2]) {
        return send(response, 200, traceToOtlpJson(spans), { 'content-disposition': `attachment; filename="trace-${trace[1].toLowerCase()}.json"` });
      }
      return send(response, 200, { summary: summarize(spans), spans: [...spans].sort((a, b) => a.startMs - b.startMs) });
    }
    return send(response, 404, { error: 'not found' });
  }

  async function receive(request: IncomingMessage, response: ServerResponse, signal: 'traces' | 'logs'): Promise<void> {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > resolved.maxBodyBytes) {
      request.resume();
      return send(response, 413, { error: `body of ${declared} bytes is over the ${resolved.maxBodyBytes}-byte limit` }, { connection: 'close' });
    }
    let body: Buffer;
    try {
      body = await readBody(request, resolved.maxBodyBytes);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) return send(response, 413, { error: error.message }, { connection: 'close' });
      return send(response, 400, { error: `could not read the body: ${(error as Error).message}` });
    }
    try {
      if (signal === 'traces') traces.add(spansOf(body, request.headers['content-type']));
      else logs.add(logRecordsOf(body, request.headers['content-type']));
    } catch (error) {
      if (error instanceof MalformedOtlpError) return send(response, 400, { error: error.message });
      if (error instanceof UnsupportedContentTypeError) return send(response, 415, { error: error.message });
      throw error;
    }
    // An empty Export…ServiceResponse: everything accepted.
    const protobuf = (request.headers['content-type'] ?? '').includes('protobuf');
    return send(response, 200, protobuf ? Buffer.alloc(0) : {}, { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json' });
  }

  function listTraces(url: URL): TraceSummary[] {
    const minDuration = Number(url.searchParams.get('min_duration_ms'));
    const status = url.searchParams.get('status');
    const filter: TraceFilter = {
      trackingId: url.searchParams.get('tracking_id') || undefined,
      service: url.searchParams.get('service') || undefined,
      status: status === 'ok' || status === 'error' ? status : undefined,
      minDurationMs: Number.isFinite(minDuration) && minDuration > 0 ? minDuration : undefined,
    };
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit')) || 200));
    return traces
      .all()
      .map(summarize)
      .filter((summary) => matches(summary, filter))
      .sort((a, b) => b.startMs - a.startMs)
      .slice(0, limit);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    traces,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(response: ServerResponse, status: number, body: string | Buffer | object, headers: Record<string, string> = {}): void {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
    'content-length': String(Buffer.byteLength(payload)),
  });
  response.end(response.req.method === 'HEAD' ? undefined : payload);
}

/** The request body, decompressed, refused past `limit` bytes (compressed or not). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'deflate') throw new Error(`unsupported content-encoding ${JSON.stringify(encoding.slice(0, 40))}`);
  const source = encoding === 'gzip' ? request.pipe(createGunzip()) : encoding === 'deflate' ? request.pipe(createInflate()) : request;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      request.resume();
      throw new PayloadTooLargeError(`body is over the ${limit}-byte limit`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
