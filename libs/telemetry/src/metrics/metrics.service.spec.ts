import { Test, type TestingModule } from '@nestjs/testing';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Registry } from 'prom-client';
import { apiKeyId } from './business/api-key.metrics';
import { TelemetryModule } from '../telemetry.module';
import { TELEMETRY_METRICS_REGISTRY } from './metrics.constants';
import { MetricsService } from './metrics.service';

const LABELS = 'environment="staging",project="shop",service="orders"';

describe('MetricsService', () => {
  let moduleRef: TestingModule;
  let metrics: MetricsService;
  let registry: Registry;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        TelemetryModule.forRoot({ serviceName: 'orders', project: 'shop', environment: 'staging', metrics: { maxLabelValues: 3, defaultMetrics: false } }),
      ],
    }).compile();
    await moduleRef.init();
    metrics = moduleRef.get(MetricsService);
    registry = moduleRef.get(TELEMETRY_METRICS_REGISTRY);
  });

  afterEach(() => moduleRef.close());

  const exposition = () => registry.metrics();

  it('should count workflows by type and status, observe their duration and track active ones', async () => {
    metrics.recordWorkflowExecution('etl', 'completed', 1.5);
    metrics.recordWorkflowExecution('etl', 'failed', 0.2);
    const done = metrics.trackActiveWorkflow();
    metrics.trackActiveWorkflow();
    done();
    done(); // idempotent
    const text = await exposition();
    expect(text).toContain(`workflow_executions_total{workflow_type="etl",status="completed",${LABELS}} 1`);
    expect(text).toContain(`workflow_executions_total{workflow_type="etl",status="failed",${LABELS}} 1`);
    expect(text).toContain(`workflow_duration_seconds_sum{${LABELS},workflow_type="etl"} 1.7`);
    expect(text).toContain(`active_workflows{${LABELS}} 1`);
  });

  it('should record AI requests, tokens by type and cost', async () => {
    metrics.recordAiRequest({ model: 'gpt-4o', provider: 'openai', status: 'success', promptTokens: 120, completionTokens: 30, costUsd: 0.002 });
    metrics.recordAiRequest({ model: 'gpt-4o', provider: 'openai', status: 'error' });
    const text = await exposition();
    expect(text).toContain(`ai_requests_total{model="gpt-4o",provider="openai",status="success",${LABELS}} 1`);
    expect(text).toContain(`ai_requests_total{model="gpt-4o",provider="openai",status="error",${LABELS}} 1`);
    expect(text).toContain(`ai_tokens_total{model="gpt-4o",token_type="prompt",${LABELS}} 120`);
    expect(text).toContain(`ai_tokens_total{model="gpt-4o",token_type="completion",${LABELS}} 30`);
    expect(text).toContain(`ai_cost_usd_total{model="gpt-4o",${LABELS}} 0.002`);
  });

  it('should count open sessions and API key usage under a hash of the key, never the key', async () => {
    const end = metrics.trackActiveSession();
    metrics.trackActiveSession();
    end();
    end();
    const key = 'sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    metrics.recordApiKeyUsage(key, { endpoint: '/api/v1/workflows', success: true, clientName: 'acme' });
    metrics.recordApiKeyUsage(key, { endpoint: '/api/v1/workflows', success: false, clientName: 'acme' });
    const text = await exposition();
    expect(text).toContain(`active_sessions{${LABELS}} 1`);
    const id = apiKeyId(key);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(text).toContain(`api_key_usage_total{api_key_id="${id}",client_name="acme",endpoint="/api/v1/workflows",success="true",${LABELS}} 1`);
    expect(text).toContain(`api_key_usage_total{api_key_id="${id}",client_name="acme",endpoint="/api/v1/workflows",success="false",${LABELS}} 1`);
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(0, 12));
  });

  it('should put the trace id as exemplar on workflow, task and AI durations recorded in a sampled span, and none otherwise', async () => {
    const sampled = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    const unsampled = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
    const record = (model: string, type: string) => {
      metrics.recordWorkflowExecution(type, 'completed', 0.2);
      metrics.recordTask(type, 'succeeded', 0.2);
      metrics.recordAiRequest({ model, provider: 'openai', status: 'success', durationSeconds: 0.2 });
    };
    // The active span is what an app's SDK would make current: a context manager is all it takes.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      context.with(trace.setSpan(ROOT_CONTEXT, sampled), () => record('m-sampled', 'sampled'));
      context.with(trace.setSpan(ROOT_CONTEXT, unsampled), () => record('m-unsampled', 'unsampled'));
    } finally {
      context.disable();
    }
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
    const buckets = (await exposition()).split('\n').filter((line) => line.includes('_bucket{') && line.includes('le="0.25"'));
    for (const [metric, label] of [
      ['workflow_duration_seconds', 'workflow_type'],
      ['task_duration_seconds', 'task_name'],
      ['ai_request_duration_seconds', 'model'],
    ]) {
      const sampledLine = buckets.find((line) => line.startsWith(metric) && new RegExp(`${label}="(m-)?sampled"`).test(line));
      const unsampledLine = buckets.find((line) => line.startsWith(metric) && new RegExp(`${label}="(m-)?unsampled"`).test(line));
      expect(sampledLine).toContain('# {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.2');
      expect(unsampledLine).toBeDefined();
      expect(unsampledLine).not.toContain('trace_id');
    }
  });

  it('should record tasks, retries and queue lengths', async () => {
    metrics.recordTask('resize', 'succeeded', 0.3);
    metrics.recordTaskRetry('resize');
    metrics.setQueueLength('images', 12);
    const text = await exposition();
    expect(text).toContain(`task_executed_total{task_name="resize",status="succeeded",${LABELS}} 1`);
    expect(text).toContain(`task_duration_seconds_count{${LABELS},task_name="resize"} 1`);
    expect(text).toContain(`task_retry_total{task_name="resize",${LABELS}} 1`);
    expect(text).toContain(`task_queue_length{queue="images",${LABELS}} 12`);
  });

  it('should record an undeclared status and values over the cap as "other", and count the drops', async () => {
    metrics.recordWorkflowExecution('etl', 'exploded' as never, 1);
    for (const type of ['a', 'b', 'c', 'd', 'e']) metrics.recordWorkflowExecution(type, 'completed', 1);
    const text = await exposition();
    expect(text).toContain(`workflow_executions_total{workflow_type="etl",status="other",${LABELS}} 1`);
    expect(text).toContain(`workflow_executions_total{workflow_type="other",status="completed",${LABELS}} 3`);
    expect(text).not.toContain('workflow_type="d"');
    expect(text).toContain(`telemetry_metric_label_overflow_total{metric="workflow_executions_total",label="status",${LABELS}} 1`);
    expect(text).toContain(`telemetry_metric_label_overflow_total{metric="workflow_executions_total",label="workflow_type",${LABELS}} 3`);
  });

  it('should let users declare their own metrics, with the standard labels', async () => {
    const orders = metrics.counter({ name: 'orders_placed_total', help: 'Orders placed', labelNames: ['channel'] });
    const basket = metrics.gauge({ name: 'basket_items', help: 'Items in baskets' });
    const payment = metrics.histogram({ name: 'payment_duration_seconds', help: 'Payment time', labelNames: ['psp'], buckets: [0.1, 1] });
    orders.inc({ channel: 'web' }, 2);
    basket.set({}, 4);
    payment.observe({ psp: 'acme' }, 0.5);
    expect(metrics.counter({ name: 'orders_placed_total', help: 'Orders placed', labelNames: ['channel'] })).toBe(orders);
    const text = await exposition();
    expect(text).toContain(`orders_placed_total{channel="web",${LABELS}} 2`);
    expect(text).toContain(`basket_items{${LABELS}} 4`);
    expect(text).toContain(`payment_duration_seconds_bucket{le="1",${LABELS},psp="acme"} 1`);
  });

  it('should refuse a reserved label and a name reused with another type, clearly', () => {
    expect(() => metrics.counter({ name: 'bad_total', help: 'x', labelNames: ['service'] })).toThrow(
      'MetricsService: label "service" of "bad_total" is reserved',
    );
    metrics.gauge({ name: 'queue_depth', help: 'x' });
    expect(() => metrics.counter({ name: 'queue_depth', help: 'x' })).toThrow('already exists with type "gauge", not "counter"');
  });

  it('should keep two apps in one process apart', async () => {
    const other = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'billing', metrics: { defaultMetrics: false } })],
    }).compile();
    await other.init();
    other.get(MetricsService).recordTaskRetry('charge');
    metrics.recordTaskRetry('ship');
    const otherText = await other.get<Registry>(TELEMETRY_METRICS_REGISTRY).metrics();
    expect(otherText).toContain('task_retry_total{task_name="charge",environment="dev",project="default",service="billing"} 1');
    expect(otherText).not.toContain('ship');
    expect(await exposition()).not.toContain('charge');
    await other.close();
  });
});
