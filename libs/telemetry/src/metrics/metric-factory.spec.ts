import { Registry, type OpenMetricsContentType } from 'prom-client';
import { MetricFactory } from './metric-factory';

describe('MetricFactory', () => {
  it("should put label values in the metric's order when it was declared first with its labels in another", async () => {
    const registry = new Registry<OpenMetricsContentType>();
    const factory = new MetricFactory(registry, 100);
    // Declared first by someone else, labels in the other order.
    factory.histogram({ name: 'requests_seconds', help: 'h', labelNames: ['route', 'method'], buckets: [1] });
    const ours = factory.histogram({ name: 'requests_seconds', help: 'h', labelNames: ['method', 'route'], buckets: [1] });
    ours.observeValues(['GET', '/items'], 0.5);
    ours.observe({ method: 'GET', route: '/items' }, 0.5);
    const gaugeFirst = factory.gauge({ name: 'in_flight', help: 'g', labelNames: ['route', 'method'] });
    const gauge = factory.gauge({ name: 'in_flight', help: 'g', labelNames: ['method', 'route'] });
    gauge.incValues(['POST', '/orders'], 2);
    gaugeFirst.inc({ route: '/orders', method: 'POST' });
    const text = await registry.metrics();
    expect(text).toContain('requests_seconds_count{route="/items",method="GET"} 2');
    expect(text).toContain('in_flight{route="/orders",method="POST"} 3');
  });

  it('should take label values in order as they are when the orders agree', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    const histogram = new MetricFactory(registry, 100).histogram({ name: 'job_seconds', help: 'h', labelNames: ['queue', 'status'], buckets: [1] });
    histogram.observeValues(['mail', 'ok'], 2);
    expect(await registry.metrics()).toContain('job_seconds_count{queue="mail",status="ok"} 1');
  });
});
