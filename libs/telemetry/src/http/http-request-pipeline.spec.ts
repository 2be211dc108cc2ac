import { Body, Controller, Get, Post, Res, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace';
import { Server, request as httpRequest } from 'node:http';
import request from 'supertest';
import { InMemoryTracing } from '../testing/in-memory-tracing';
import { MemoryLogDestination } from '../testing/memory-log-destination';
import { resetNestjsPinoForTests } from '../testing/reset-logger';
import { SdkSpanStarter } from '../sdk/sdk-span-starter';
import { TelemetryModule } from '../telemetry.module';
import type { TelemetrySdkOptions } from '../interfaces/telemetry-sdk-options.interface';
import type { HttpRequestObserver } from './http-request-observer.interface';
import { HTTP_REQUEST_OBSERVERS } from './http.constants';

interface RawResponse {
  end(body: string): void;
  once(event: 'error', listener: () => void): void;
  emit(event: 'error', error: Error): void;
}

@Controller('pipeline')
class PipelineController {
  /** A response stream that fails, as a broken pipe does: it emits 'error', then closes. */
  @Get('stream-error')
  streamError(@Res() response: RawResponse): void {
    response.once('error', () => undefined); // the app handles it, as a pipeline would
    response.emit('error', new Error('upstream stream failed'));
    response.end('ok');
  }

  @Get('slow')
  async slow(): Promise<{ ok: true }> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ok: true };
  }

  @Get('fast')
  fast(): { ok: true } {
    return { ok: true };
  }

  /** A turn that goes on after the response closed: 100 ms of the app's own work in a 'close' listener. */
  @Get('busy-after-close')
  busyAfterClose(@Res({ passthrough: true }) response: { on(event: 'close', listener: () => void): void }): { ok: true } {
    response.on('close', () => {
      const until = performance.now() + 100;
      while (performance.now() < until);
    });
    return { ok: true };
  }

  /** Where the span context is: in a handler that ran after body parsing, and in a 'finish' listener. */
  @Post('context')
  bodyContext(@Body() body: { n: number }, @Res({ passthrough: true }) response: { on(event: 'finish', listener: () => void): void }) {
    response.on('finish', () => finishedIn.push(trace.getActiveSpan()?.spanContext().traceId));
    return { n: body.n, traceId: trace.getActiveSpan()?.spanContext().traceId };
  }
}

const finishedIn: Array<string | undefined> = [];

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

/** The one sample line of a metric whose labels include all of `labels`. */
function sample(text: string, metric: string, labels: string[]): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) && labels.every((label) => l.includes(label)));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('HttpRequestPipeline', () => {
  let tracing: InMemoryTracing | undefined;
  let app: INestApplication;
  let logs: MemoryLogDestination;

  async function start(withSdk: boolean, sdkOptions: TelemetrySdkOptions = {}): Promise<void> {
    tracing = withSdk ? InMemoryTracing.start({ serviceName: 'pipeline', ...sdkOptions }) : undefined;
    resetNestjsPinoForTests();
    logs = new MemoryLogDestination();
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'pipeline', metrics: { defaultMetrics: false }, logging: { level: 'info', destination: logs } })],
      controllers: [PipelineController],
    }).compile();
    app = await moduleRef.createNestApplication().init();
  }

  afterEach(async () => {
    await app.close();
    await tracing?.stop();
  });

  const accessLine = (path: string) => logs.lines().find((line) => (line.request as { path?: string } | undefined)?.path === path);
  const metrics = async () => (await request(app.getHttpServer()).get('/metrics')).text;

  it("should keep the server span's context in handlers that ran after body parsing, and in the response's 'finish' listeners", async () => {
    await start(true);
    const sizes = [{ n: 1 }, { n: 2, padding: 'x'.repeat(90_000) }]; // one read, and several
    for (const body of sizes) {
      finishedIn.length = 0;
      const response = await request(app.getHttpServer()).post('/pipeline/context').send(body).expect(201);
      await settle();
      const trackingId = response.headers['x-tracking-id'];
      expect(response.body).toEqual({ n: body.n, traceId: trackingId });
      expect(finishedIn).toEqual([trackingId]);
    }
    // Chunked bodies are parsed in the span too.
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const chunked = await new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/pipeline/context', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ headers: res.headers, body: text }));
      });
      outgoing.on('error', reject);
      outgoing.write('{"n":');
      setTimeout(() => outgoing.end('3}'), 20);
    });
    expect(JSON.parse(chunked.body)).toEqual({ n: 3, traceId: chunked.headers['x-tracking-id'] });
  });

  it("should end the span, and time the access line and the metrics, when the response closed, not when its turn of the event loop ended", async () => {
    await start(true);
    await request(app.getHttpServer()).get('/pipeline/busy-after-close').expect(200);
    await settle();
    const span = tracing!.span('GET /pipeline/busy-after-close');
    const spanMillis = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    expect(spanMillis).toBeLessThan(80);
    expect((accessLine('/pipeline/busy-after-close')!.request as { duration: number }).duration).toBeLessThan(0.08);
    const text = await metrics();
    expect(sample(text, 'http_server_request_duration_seconds_count', ['http_route="/pipeline/busy-after-close"'])).toBe(1);
    expect(sample(text, 'http_server_request_duration_seconds_bucket', ['http_route="/pipeline/busy-after-close"', 'le="0.1"'])).toBe(1);
  });

  it("should give the SERVER span the request's attributes, whether its sampler may read them (rules, one of the user's own) or not (the ratio)", async () => {
    const seenBySampler: Attributes[] = [];
    const ownSampler: Sampler = {
      shouldSample: (_context, _traceId, _name, _kind, attributes) => {
        seenBySampler.push({ ...attributes });
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      },
      toString: () => 'OwnSampler',
    };
    const samplers: Array<TelemetrySdkOptions['sampler']> = [undefined, { alwaysSample: [{ header: 'x-debug' }] }, ownSampler];
    const starts = jest.spyOn(SdkSpanStarter.prototype, 'start');
    for (const sampler of samplers) {
      starts.mockClear();
      await start(true, { sampler });
      // The first span goes through the SDK's tracer, the next through SdkSpanStarter: both get them.
      for (let index = 0; index < 2; index++) await request(app.getHttpServer()).get('/pipeline/fast?page=2').set('User-Agent', 'pipeline-spec').expect(200);
      await settle();
      const spans = tracing!.spans().filter((finished) => finished.kind === SpanKind.SERVER);
      expect(spans).toHaveLength(2);
      expect(starts.mock.results.map((result) => (result.value as Span | undefined)?.spanContext().traceId)).toEqual([undefined, spans[1].spanContext().traceId]);
      expect(spans[1].constructor).toBe(spans[0].constructor);
      for (const span of spans) {
        expect(span.attributes).toMatchObject({
          'http.request.method': 'GET',
          'url.path': '/pipeline/fast',
          'url.scheme': 'http',
          'server.address': '127.0.0.1',
          'user_agent.original': 'pipeline-spec',
          'network.protocol.version': '1.1',
          'http.route': '/pipeline/fast',
          'http.response.status_code': 200,
        });
        expect(span.attributes['client.address']).toMatch(/127\.0\.0\.1$/);
        expect(span.attributes['tracking.id']).toBe(span.spanContext().traceId);
      }
      await app.close();
      await tracing?.stop();
    }
    // A sampler of the user's own decides with them.
    expect(seenBySampler).toContainEqual(expect.objectContaining({ 'url.path': '/pipeline/fast', 'user_agent.original': 'pipeline-spec' }));
    // The last app is closed above; afterEach closes this one.
    await start(false);
  });

  it('should send Server-Timing with the server span\'s traceparent only when serverTiming is on', async () => {
    await start(true);
    const plain = await request(app.getHttpServer()).get('/pipeline/fast').expect(200);
    expect(plain.headers['server-timing']).toBeUndefined();
    await app.close();
    await tracing?.stop();
    await start(true, { serverTiming: true });
    const timed = await request(app.getHttpServer()).get('/pipeline/fast').expect(200);
    await settle();
    const span = tracing!.spans().find((finished) => finished.kind === SpanKind.SERVER)!;
    expect(timed.headers['server-timing']).toBe(`traceparent;desc="00-${span.spanContext().traceId}-${span.spanContext().spanId}-01"`);
    expect(timed.headers['x-tracking-id']).toBe(span.spanContext().traceId);
  });

  it("should take each request's server.address from its own Host header, without the port", async () => {
    await start(true);
    const hosts = ['api.example.com:8443', 'other.example.com', 'api.example.com:8443', '[::1]:3000', 'other.example.com'];
    for (const host of hosts) await request(app.getHttpServer()).get('/pipeline/fast').set('Host', host).expect(200);
    await settle();
    const addresses = tracing!
      .spans()
      .filter((span) => span.kind === SpanKind.SERVER)
      .map((span) => span.attributes['server.address']);
    expect(addresses).toEqual(['api.example.com', 'other.example.com', 'api.example.com', '[::1]', 'other.example.com']);
  });

  it("should end a request whose response emitted 'error': in-flight back to 0, one duration, one access line", async () => {
    await start(true);
    const response = await request(app.getHttpServer()).get('/pipeline/stream-error');
    expect(response.text).toBe('ok');
    await settle();
    const text = await metrics();
    expect(sample(text, 'http_server_active_requests', ['http_request_method="GET"'])).toBe(0);
    expect(sample(text, 'http_server_request_duration_seconds_count', ['http_route="/pipeline/stream-error"'])).toBe(1);
    const line = accessLine('/pipeline/stream-error');
    expect(line).toMatchObject({ tracking_id: response.headers['x-tracking-id'], response: { status: 200 } });
    expect((line!.request as { duration: number }).duration).toBeGreaterThan(0);
    // The pipeline's own server span ended too.
    expect(tracing!.spans().some((span) => span.kind === SpanKind.SERVER)).toBe(true);
  });

  it('should record a request the client aborted with the same status (499) in the metric and the access line', async () => {
    await start(true);
    const server = app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => {
      const client = httpRequest({ host: '127.0.0.1', port, path: '/pipeline/slow' });
      client.on('error', () => resolve());
      client.end();
      setTimeout(() => client.destroy(), 50);
    });
    await settle(400);
    const text = await metrics();
    expect(sample(text, 'http_server_request_duration_seconds_count', ['http_route="/pipeline/slow"', 'http_response_status_code="499"', 'error_type="aborted"'])).toBe(1);
    expect(sample(text, 'http_server_active_requests', ['http_request_method="GET"'])).toBe(0);
    expect(accessLine('/pipeline/slow')).toMatchObject({ '@level': 'WARN', '@message': 'GET /pipeline/slow 499', response: { status: 499, aborted: true } });
  });

  it('should give a request on an ignored path a tracking id and nothing else, whatever its query string', async () => {
    await start(true, { ignorePaths: ['/pipeline/fast'] });
    const ignored = await request(app.getHttpServer()).get('/pipeline/fast?probe=1').expect(200);
    const traced = await request(app.getHttpServer()).get('/pipeline/slow?probe=1').expect(200);
    await settle();
    expect(ignored.headers['x-tracking-id']).toMatch(/^[0-9a-f]{32}$/);
    const serverSpans = tracing!.spans().filter((span) => span.kind === SpanKind.SERVER);
    expect(serverSpans.map((span) => span.name)).toEqual(['GET /pipeline/slow']);
    expect(serverSpans[0].attributes['url.path']).toBe('/pipeline/slow');
    expect(traced.headers['x-tracking-id']).toBe(serverSpans[0].spanContext().traceId);
  });

  it("should only observe where another instrumentation wraps the server, ignored paths still left out whatever their query string", async () => {
    // What shimmer leaves on a function it wrapped, as instrumentation-http does to Server.prototype.emit.
    const original = Server.prototype.emit;
    const wrapped = Object.assign(function (this: Server, ...args: unknown[]) {
      return (original as (...args: unknown[]) => boolean).apply(this, args);
    }, { __original: original, __unwrap: () => undefined, __wrapped: true });
    Server.prototype.emit = wrapped as unknown as Server['emit'];
    try {
      await start(false);
      const ignored = await request(app.getHttpServer()).get('/metrics?probe=1').expect(200);
      const observed = await request(app.getHttpServer()).get('/pipeline/fast?probe=1').expect(200);
      await settle();
      expect(ignored.headers['x-tracking-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(accessLine('/pipeline/fast')).toMatchObject({ tracking_id: observed.headers['x-tracking-id'] });
      expect(accessLine('/metrics')).toBeUndefined();
    } finally {
      Server.prototype.emit = original;
    }
  });

  it('should observe requests and issue tracking ids without an SDK', async () => {
    await start(false);
    const response = await request(app.getHttpServer()).get('/pipeline/fast').expect(200);
    expect(response.headers['x-tracking-id']).toMatch(/^[0-9a-f]{32}$/);
    await settle();
    expect(sample(await metrics(), 'http_server_request_duration_seconds_count', ['http_route="/pipeline/fast"'])).toBe(1);
    expect(accessLine('/pipeline/fast')).toMatchObject({ tracking_id: response.headers['x-tracking-id'] });
  });

  it('should keep serving when an observer throws, and report it once', async () => {
    const failing: HttpRequestObserver = {
      end: () => {
        throw new Error('observer bug');
      },
    };
    resetNestjsPinoForTests();
    logs = new MemoryLogDestination();
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'pipeline', logging: { level: 'info', destination: logs } })],
      controllers: [PipelineController],
    })
      .overrideProvider(HTTP_REQUEST_OBSERVERS)
      .useValue([failing])
      .compile();
    app = await moduleRef.createNestApplication({ bufferLogs: true }).init();
    for (let i = 0; i < 3; i++) await request(app.getHttpServer()).get('/pipeline/fast').expect(200);
    await settle();
    const reports = logs.lines().filter((line) => String(line['@message']).includes('an HTTP request observer failed'));
    expect(reports).toHaveLength(1);
    expect(reports[0]['@level']).toBe('ERROR');
  });
});
