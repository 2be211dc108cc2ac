import { BadRequestException, Body, Controller, Get, Param, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TraceFlags } from '@opentelemetry/api';
import { Registry, type OpenMetricsContentType } from 'prom-client';
import { throwError, type Observable } from 'rxjs';
import request from 'supertest';
import { TelemetryModule } from '../telemetry.module';
import type { TelemetryMetricsOptions } from '../interfaces/telemetry-module-options.interface';
import type { CompletedRequest } from '../http/http-request-observer.interface';
import { HttpMetrics } from './http-metrics';
import { MetricFactory } from './metric-factory';
import { MetricsLifecycle } from './metrics.lifecycle';
import { MetricsService } from './metrics.service';

@Controller('health')
class HealthController {
  @Get()
  check() {
    return { status: 'ok' };
  }
}

class SessionExpiredError extends Error {}

@Controller('api/v2/sessions')
class SessionsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }

  @Get(':id/broken')
  broken(): never {
    throw new BadRequestException('no');
  }

  @Get(':id/async-broken')
  async asyncBroken(): Promise<never> {
    await Promise.resolve();
    throw new TypeError('undefined is not a session');
  }

  @Get(':id/expired')
  expired(): Observable<never> {
    return throwError(() => new SessionExpiredError());
  }

  @Get(':id/slow')
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return {};
  }

  @Post()
  create(@Body() body: unknown) {
    return { received: body };
  }
}

async function createApp(metrics: TelemetryMetricsOptions = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [TelemetryModule.forRoot({ serviceName: 'sessions', project: 'p', metrics: { defaultMetrics: false, ...metrics } })],
    controllers: [SessionsController, HealthController],
  }).compile();
  return moduleRef.createNestApplication({ logger: false }).init();
}

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';
const count = (text: string, labels: string) => {
  const line = text.split('\n').find((l) => l.startsWith('http_server_request_duration_seconds_count{') && l.includes(labels));
  return line ? Number(line.split(' ')[1]) : 0;
};

describe('HTTP metrics and /metrics', () => {
  let app: INestApplication;
  afterEach(() => app.close());

  describe('on the app port', () => {
    beforeEach(async () => (app = await createApp()));

    it('should count requests by route template, never by raw path', async () => {
      const server = app.getHttpServer();
      await request(server).get('/api/v2/sessions/1').expect(200);
      await request(server).get('/api/v2/sessions/2').expect(200);
      const { text } = await request(server).get('/metrics').expect(200);
      expect(count(text, 'http_request_method="GET",http_route="/api/v2/sessions/:id",http_response_status_code="200",error_type="",api_version="v2"')).toBe(2);
      expect(text).not.toContain('/api/v2/sessions/1');
      expect(text).toContain('service="sessions"');
    });

    it('should put every unmatched path under one route value', async () => {
      const server = app.getHttpServer();
      for (const path of ['/wp-admin', '/.env', '/x/y/z?q=1']) await request(server).get(path).expect(404);
      const { text } = await request(server).get('/metrics');
      expect(count(text, 'http_route="unmatched",http_response_status_code="404",error_type="404",api_version=""')).toBe(3);
      expect(text).not.toContain('wp-admin');
    });

    it("should set error_type to the class a handler threw (sync, async or Observable), and leave it empty on success", async () => {
      const server = app.getHttpServer();
      await request(server).get('/api/v2/sessions/1/broken').expect(400);
      await request(server).get('/api/v2/sessions/1/async-broken').expect(500);
      await request(server).get('/api/v2/sessions/1/expired').expect(500);
      await request(server).get('/api/v2/sessions/1').expect(200);
      const { text } = await request(server).get('/metrics');
      expect(count(text, 'http_route="/api/v2/sessions/:id/broken",http_response_status_code="400",error_type="BadRequestException"')).toBe(1);
      expect(count(text, 'http_route="/api/v2/sessions/:id/async-broken",http_response_status_code="500",error_type="TypeError"')).toBe(1);
      expect(count(text, 'http_route="/api/v2/sessions/:id/expired",http_response_status_code="500",error_type="SessionExpiredError"')).toBe(1);
      expect(count(text, 'http_route="/api/v2/sessions/:id",http_response_status_code="200",error_type=""')).toBe(1);
    });

    it('should observe request and response body sizes', async () => {
      const body = { payload: 'x'.repeat(2000) };
      await request(app.getHttpServer()).post('/api/v2/sessions').send(body).expect(201);
      const { text } = await request(app.getHttpServer()).get('/metrics');
      const requestSum = text.match(/http_server_request_body_size_bytes_sum\{[^}]*http_route="\/api\/v2\/sessions"\} (\d+)/);
      const responseSum = text.match(/http_server_response_body_size_bytes_sum\{[^}]*http_route="\/api\/v2\/sessions"\} (\d+)/);
      expect(Number(requestSum?.[1])).toBe(JSON.stringify(body).length);
      expect(Number(responseSum?.[1])).toBe(JSON.stringify({ received: body }).length);
    });

    it('should count neither /metrics nor health checks', async () => {
      await request(app.getHttpServer()).get('/metrics').expect(200);
      // A declared route: it would be counted if ignored paths were not skipped.
      await request(app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
      await request(app.getHttpServer()).get('/api/v2/sessions/1').expect(200);
      const { text } = await request(app.getHttpServer()).get('/metrics');
      expect(text).toMatch(/http_route="\/api\/v2\/sessions\/:id"/);
      expect(text).not.toMatch(/http_route="\/metrics"/);
      expect(text).not.toMatch(/http_route="\/health"/);
    });

    it('should answer the classic text format by default and OpenMetrics when asked', async () => {
      app.get(MetricsService).recordWorkflowExecution('etl', 'completed', 1);
      await request(app.getHttpServer()).get('/api/v2/sessions/1');
      const classic = await request(app.getHttpServer()).get('/metrics').set('accept', 'text/plain');
      expect(classic.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(classic.text).toContain('# TYPE workflow_executions_total counter');
      expect(classic.text).not.toContain('# EOF');
      const open = await request(app.getHttpServer()).get('/metrics').set('accept', OPENMETRICS);
      expect(open.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      expect(open.text.endsWith('# EOF\n')).toBe(true);
      expect(open.text).toContain('# TYPE workflow_executions counter');
      // Rendering OpenMetrics must not rename counters for the next classic scrape.
      const again = await request(app.getHttpServer()).get('/metrics');
      expect(again.text).toContain('# TYPE workflow_executions_total counter');
    });

    it('should track requests in flight', async () => {
      const slow = request(app.getHttpServer()).get('/api/v2/sessions/1/slow').then((r) => r);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const during = await request(app.getHttpServer()).get('/metrics');
      expect(during.text).toMatch(/http_server_active_requests\{[^}]*http_request_method="GET"[^}]*\} 1/);
      await slow;
      const after = await request(app.getHttpServer()).get('/metrics');
      expect(after.text).toMatch(/http_server_active_requests\{[^}]*http_request_method="GET"[^}]*\} 0/);
    });
  });

  it('should protect /metrics with a bearer token', async () => {
    app = await createApp({ bearerToken: 's3cret' });
    const server = app.getHttpServer();
    const missing = await request(server).get('/metrics').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    await request(server).get('/metrics').set('authorization', 'Bearer wrong').expect(401);
    await request(server).get('/metrics').set('authorization', 'Bearer s3cret-and-more').expect(401);
    const ok = await request(server).get('/metrics').set('authorization', 'Bearer s3cret').expect(200);
    expect(ok.text).toContain('http_server_active_requests');
  });

  it('should serve /metrics on a separate port, and not on the app port', async () => {
    app = await createApp({ port: 0, host: '127.0.0.1' });
    await request(app.getHttpServer()).get('/metrics').expect(404);
    await request(app.getHttpServer()).get('/api/v2/sessions/9').expect(200);
    const url = app.get(MetricsLifecycle).metricsUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('http_route="/api/v2/sessions/:id"');
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('should stop the separate listener on shutdown', async () => {
    app = await createApp({ port: 0, host: '127.0.0.1' });
    const url = app.get(MetricsLifecycle).metricsUrl!;
    await app.close();
    await expect(fetch(url)).rejects.toThrow();
    app = await createApp(); // for afterEach
  });
});

describe('HttpMetrics exemplars', () => {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const metrics = new HttpMetrics(new MetricFactory(registry, 100));
  const response = { statusCode: 200, writableFinished: true, getHeader: () => undefined, setHeader: () => undefined, on: () => undefined };
  const completed = (route: string, traceFlags: number): CompletedRequest => ({
    request: { method: 'GET', headers: {} },
    response,
    method: 'GET',
    path: route,
    route,
    status: 200,
    aborted: false,
    errorType: undefined,
    seconds: 0.02,
    spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags },
    trackingId: '4bf92f3577b34da6a3ce929d0e0e4736',
    clientAddress: '127.0.0.1',
  });

  it('should attach the trace id of a sampled span, and nothing for an unsampled one', async () => {
    metrics.end(completed('/sampled', TraceFlags.SAMPLED));
    metrics.end(completed('/unsampled', TraceFlags.NONE));
    const lines = (await registry.metrics()).split('\n').filter((l) => l.includes('_bucket{le="0.025"'));
    expect(lines.find((l) => l.includes('http_route="/sampled"'))).toContain('# {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.02');
    expect(lines.find((l) => l.includes('http_route="/unsampled"'))).not.toContain('trace_id');
  });

  it('should keep every route template: http_route is bounded by construction, exempt from the value cap', async () => {
    const capped = new Registry<OpenMetricsContentType>();
    capped.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const few = new HttpMetrics(new MetricFactory(capped, 2));
    for (let i = 0; i < 5; i++) few.end(completed(`/route/${i}`, TraceFlags.NONE));
    const text = await capped.metrics();
    for (let i = 0; i < 5; i++) expect(text).toContain(`http_route="/route/${i}"`);
    expect(text).not.toContain('http_route="other"');
  });
});
