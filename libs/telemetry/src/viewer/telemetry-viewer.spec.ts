import { gzipSync } from 'node:zlib';
import { parse } from 'protobufjs';
import { OTLP_PROTO } from './otlp.proto';
import { startTelemetryViewer, type TelemetryViewer } from './telemetry-viewer';
import { TelemetryViewerDisabledError } from './viewer-options';

const hex = (n: number, length: number) => n.toString(16).padStart(length, '0');
const traceIdOf = (n: number) => `${'a'.repeat(16)}${hex(n + 1, 16)}`;

/** An OTLP/JSON trace request: `count` spans of `service`, one trace each unless `traceId` is given. */
function otlpJson(service: string, count: number, first = 0, traceId?: string) {
  const start = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: Array.from({ length: count }, (_, i) => ({
              traceId: traceId ?? traceIdOf(first + i),
              spanId: hex(first + i + 1, 16),
              name: `GET /items/${i}`,
              kind: 2,
              startTimeUnixNano: String(start + BigInt(i) * 1000n),
              endTimeUnixNano: String(start + BigInt(i) * 1000n + 5_000_000n),
              attributes: [
                { key: 'http.route', value: { stringValue: '/items/:id' } },
                { key: 'http.response.status_code', value: { intValue: String(i % 10 === 0 ? 500 : 200) } },
              ],
              status: { code: i % 10 === 0 ? 2 : 0 },
            })),
          },
        ],
      },
    ],
  };
}

describe('telemetry viewer', () => {
  let viewer: TelemetryViewer;
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${viewer.url}${path}`, { method: 'POST', headers, body });

  beforeEach(async () => {
    viewer = await startTelemetryViewer({ port: 0, environment: 'dev', maxTraces: 50, maxSpans: 200, maxLogs: 100, maxBodyBytes: 64 * 1024 });
  });
  afterEach(() => viewer.close());

  it('receives OTLP/JSON spans and lists, filters and exports their traces', async () => {
    expect((await post('/v1/traces', JSON.stringify(otlpJson('api', 3)))).status).toBe(200);
    // An export sent again (a retry) adds nothing.
    expect((await post('/v1/traces', JSON.stringify(otlpJson('api', 3)))).status).toBe(200);
    expect(viewer.traces.stats()).toMatchObject({ traces: 3, spans: 3 });
    const list = (await (await fetch(`${viewer.url}/api/traces`)).json()) as { traces: { traceId: string; status: string; rootName: string }[] };
    expect(list.traces).toHaveLength(3);
    expect(list.traces.map((trace) => trace.status).sort()).toEqual(['error', 'ok', 'ok']);
    const byId = (await (await fetch(`${viewer.url}/api/traces?tracking_id=${traceIdOf(1)}`)).json()) as { traces: unknown[] };
    expect(byId.traces).toHaveLength(1);
    const errors = (await (await fetch(`${viewer.url}/api/traces?status=error`)).json()) as { traces: unknown[] };
    expect(errors.traces).toHaveLength(1);
    const otlp = (await (await fetch(`${viewer.url}/api/traces/${traceIdOf(1)}/otlp`)).json()) as ReturnType<typeof otlpJson>;
    expect(otlp.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ traceId: traceIdOf(1), spanId: hex(2, 16), kind: 2 });
    const csv = await (await fetch(`${viewer.url}/api/traces.csv`)).text();
    expect(csv.split('\r\n')[0]).toBe('traceId,startTime,rootService,rootName,durationMs,status,spanCount,services');
    const red = (await (await fetch(`${viewer.url}/api/red`)).json()) as { rows: { route: string; requests: number; errors: number }[] };
    expect(red.rows).toEqual([expect.objectContaining({ service: 'api', route: '/items/:id', requests: 3, errors: 1 })]);
  });

  it('receives OTLP/protobuf (gzip too), as the SDK exporters send by default', async () => {
    const type = parse(OTLP_PROTO).root.lookupType('otlp.ExportTraceServiceRequest');
    const request = otlpJson('proto-service', 2);
    // protobufjs takes bytes for ids and numbers for nanoseconds.
    for (const span of request.resourceSpans[0].scopeSpans[0].spans as Record<string, unknown>[]) {
      span.traceId = Buffer.from(span.traceId as string, 'hex');
      span.spanId = Buffer.from(span.spanId as string, 'hex');
    }
    const body = Buffer.from(type.encode(type.fromObject(request)).finish());
    expect((await post('/v1/traces', body, { 'content-type': 'application/x-protobuf' })).status).toBe(200);
    expect((await post('/v1/traces', gzipSync(body), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' })).status).toBe(200);
    const trace = (await (await fetch(`${viewer.url}/api/traces/${traceIdOf(0)}`)).json()) as { spans: { service: string; durationMs: number }[] };
    expect(trace.spans).toEqual([expect.objectContaining({ service: 'proto-service', durationMs: 5 })]);
  });

  it('answers 413 to a body over the size limit, declared or streamed, and stays up', async () => {
    const big = JSON.stringify(otlpJson('big', 600));
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect((await post('/v1/traces', big)).status).toBe(413);
    // A small gzip body that inflates past the limit.
    expect((await post('/v1/traces', gzipSync(big), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await post('/v1/traces', JSON.stringify(otlpJson('small', 1)))).status).toBe(200);
  });

  it('answers 400 to malformed payloads and 415 to other content types, storing nothing', async () => {
    const malformed: Array<[string, string | Buffer, string]> = [
      ['/v1/traces', '{"resourceSpans": [', 'application/json'],
      ['/v1/traces', '[]', 'application/json'],
      ['/v1/traces', '{"resourceSpans": 5}', 'application/json'],
      ['/v1/traces', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: '01', name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] }), 'application/json'],
      ['/v1/traces', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: traceIdOf(0), spanId: hex(1, 16), name: 'x', startTimeUnixNano: 'soon' }] }] }] }), 'application/json'],
      ['/v1/traces', Buffer.from([0xff, 0xff, 0xff, 0x0f, 0x01]), 'application/x-protobuf'],
      ['/v1/logs', '{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"traceId": 12}]}]}]}', 'application/json'],
    ];
    for (const [path, body, contentType] of malformed) {
      const response = await post(path, body, { 'content-type': contentType });
      expect({ body: String(body).slice(0, 60), status: response.status }).toEqual({ body: String(body).slice(0, 60), status: 400 });
      expect(((await response.json()) as { error: string }).error).toBeTruthy();
    }
    expect((await post('/v1/traces', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect(viewer.traces.stats().spans).toBe(0);
  });

  it('keeps memory bounded: after ten times the span limit, at most the limit is held', async () => {
    for (let batch = 0; batch < 20; batch++) {
      expect((await post('/v1/traces', JSON.stringify(otlpJson('flood', 100, batch * 100)))).status).toBe(200);
    }
    // And one trace bigger than the whole store on its own.
    for (let batch = 0; batch < 5; batch++) {
      expect((await post('/v1/traces', JSON.stringify(otlpJson('flood', 50, 5000 + batch * 50, traceIdOf(99999))))).status).toBe(200);
    }
    const stats = viewer.traces.stats();
    expect(stats.spans).toBeLessThanOrEqual(200);
    expect(stats.traces).toBeLessThanOrEqual(50);
    expect(stats.evictedTraces).toBeGreaterThanOrEqual(1950);
    expect(stats.droppedSpans).toBe(50);
    for (let i = 0; i < 3; i++) {
      const records = Array.from({ length: 50 }, (_, n) => ({ timeUnixNano: String(Date.now() * 1e6 + n), severityText: 'INFO', body: { stringValue: `line ${i}-${n}` } }));
      await post('/v1/logs', JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords: records }] }] }));
    }
    expect(viewer.logs.stats()).toEqual({ logs: 100, evictedLogs: 50 });
  });

  it('serves logs of one tracking id in time order', async () => {
    const traceId = traceIdOf(7);
    const record = (body: string, ms: number, service: string) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{ logRecords: [{ timeUnixNano: String(BigInt(ms) * 1_000_000n), severityText: 'INFO', body: { stringValue: body }, traceId, spanId: hex(3, 16) }] }],
    });
    await post('/v1/logs', JSON.stringify({ resourceLogs: [record('second', 2000, 'engine'), record('first', 1000, 'gateway')] }));
    await post('/v1/logs', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '5', body: { stringValue: 'other trace' } }] }] }] }));
    const { logs } = (await (await fetch(`${viewer.url}/api/logs?tracking_id=${traceId}`)).json()) as { logs: { body: string; service: string }[] };
    expect(logs.map((log) => `${log.service}:${log.body}`)).toEqual(['gateway:first', 'engine:second']);
  });

  it('is off outside dev unless enabled, and can require a token (compared in constant time)', async () => {
    await expect(startTelemetryViewer({ port: 0, environment: 'prod' })).rejects.toThrow(TelemetryViewerDisabledError);
    const guarded = await startTelemetryViewer({ port: 0, environment: 'prod', enabled: true, token: 's3cret' });
    try {
      expect((await fetch(`${guarded.url}/api/traces`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/api/traces`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${guarded.url}/api/traces`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
      expect((await fetch(`${guarded.url}/?token=s3cret`)).status).toBe(200);
      const body = JSON.stringify(otlpJson('api', 1));
      expect((await fetch(`${guarded.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });

  it('serves the page with no HTML from the data: values are set as text', async () => {
    const page = await (await fetch(`${viewer.url}/`)).text();
    expect(page).toContain('<title>nest-telemetry viewer</title>');
    expect(page).not.toContain('innerHTML');
  });
});
