import { Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { collectDefaultMetrics, Counter, Registry, register as globalRegistry, type Histogram } from 'prom-client';
import request from 'supertest';
import { TelemetryModule } from '../telemetry.module';
import { MetricsService } from './metrics.service';
import { TELEMETRY_METRICS_REGISTRY } from './metrics.constants';

@Injectable()
class Orders {
  constructor(@InjectMetric('orders_placed_total') readonly placed: Counter<string>) {}
}

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

/** `# TYPE` names that occur more than once: Prometheus rejects such a scrape whole. */
function duplicateFamilies(text: string): string[] {
  const names = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
  return names.filter((name, index) => names.indexOf(name) !== index);
}

describe('/metrics with metrics on the global registry', () => {
  let app: INestApplication;

  beforeEach(async () => {
    globalRegistry.clear();
    // What PrometheusModule.register() does by default, and a label a user set there.
    collectDefaultMetrics();
    globalRegistry.setDefaultLabels({ owner: 'someone-else' });
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'shop', project: 'p' })],
      providers: [makeCounterProvider({ name: 'orders_placed_total', help: 'Orders placed', labelNames: ['channel'] }), Orders],
    }).compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
  });

  afterEach(async () => {
    await app.close();
    globalRegistry.clear();
  });

  it.each([['classic', 'text/plain'], ['OpenMetrics', OPENMETRICS]])(
    'should serve one family per name in the %s format, with the Nest-way metric and the standard labels',
    async (_format, accept) => {
      app.get(Orders).placed.inc({ channel: 'web' });
      const { text } = await request(app.getHttpServer()).get('/metrics').set('accept', accept).expect(200);
      expect(duplicateFamilies(text)).toEqual([]);
      expect(text).toMatch(/orders_placed_total\{channel="web",environment="dev",project="p",service="shop"\} 1/);
      expect(text).toMatch(/process_cpu_user_seconds_total\{environment="dev",project="p",service="shop"\}/);
    },
  );

  it('should leave the global registry as it found it: labels, content type, counter names', async () => {
    app.get(Orders).placed.inc({ channel: 'web' });
    await request(app.getHttpServer()).get('/metrics').set('accept', OPENMETRICS).expect(200);
    expect(globalRegistry.contentType).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
    const own = await globalRegistry.metrics();
    expect(own).toContain('orders_placed_total{channel="web",owner="someone-else"} 1');
    expect(own).not.toContain('service="shop"');
  });
});

describe('metrics the module creates', () => {
  let app: INestApplication;
  afterEach(() => app.close());

  async function start(): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [TelemetryModule.forRoot({ serviceName: 'shop' })] }).compile();
    return (app = await moduleRef.createNestApplication({ logger: false }).init());
  }

  it('should create the workflow, AI and task metrics only once an app uses them', async () => {
    await start();
    const before = (await request(app.getHttpServer()).get('/metrics')).text;
    expect(before).not.toMatch(/workflow_|ai_|task_/);
    app.get(MetricsService).recordAiRequest({ model: 'm', provider: 'p', status: 'success', promptTokens: 3 });
    const after = (await request(app.getHttpServer()).get('/metrics')).text;
    expect(after).toMatch(/ai_tokens_total\{[^}]*token_type="prompt"[^}]*\} 3/);
    expect(after).not.toMatch(/workflow_|task_/);
  });

  it('should refuse a metric name defined again with other labels or buckets', async () => {
    await start();
    const metrics = app.get(MetricsService);
    metrics.histogram({ name: 'job_seconds', help: 'h', labelNames: ['job'], buckets: [1, 2] });
    expect(metrics.histogram({ name: 'job_seconds', help: 'h', labelNames: ['job'], buckets: [1, 2] })).toBeDefined();
    expect(() => metrics.histogram({ name: 'job_seconds', help: 'h', labelNames: ['queue'], buckets: [1, 2] })).toThrow(
      'MetricsService: metric "job_seconds" already exists with labels ["job"], not ["queue"]',
    );
    expect(() => metrics.histogram({ name: 'job_seconds', help: 'h', labelNames: ['job'], buckets: [1, 5] })).toThrow(/with buckets \[1,2\], not \[1,5\]/);
  });

  it('should stop the default metrics observers when the app closes', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await start();
    const registry = app.get<Registry>(TELEMETRY_METRICS_REGISTRY);
    const gcHistogram = registry.getSingleMetric('nodejs_gc_duration_seconds') as Histogram;
    const observed = async () => (await gcHistogram.get()).values.filter((v) => v.metricName?.endsWith('_count')).reduce((sum, v) => sum + v.value, 0);
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await observed()).toBeGreaterThan(0);
    await app.close();
    const afterClose = await observed();
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await observed()).toBe(afterClose);
    await start(); // for afterEach
  });
});
