import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { alertQueries, dashboardQueries } from './utils/monitoring-config';
import { OtlpReceiver } from './utils/otlp-receiver';
import { PrometheusServer, PROMTOOL_BIN, requireBinary } from './utils/prometheus-server';
import { Trio } from './utils/trio';

const SERVICES = { 'api-gateway': '/api/v1/workflows', 'workflow-agent': '/generate', 'workflow-engine': '/execute' };

/** A real Prometheus server scraping the three running services. */
describe('Prometheus scraping the trio', () => {
  const trio = new Trio();
  const prometheus = new PrometheusServer();
  const receiver = new OtlpReceiver();
  const trackingIds: string[] = [];

  beforeAll(async () => {
    // Exporting spans, as in the stack: the span export metrics are on the dashboard too.
    await trio.start({ OTEL_EXPORTER_OTLP_ENDPOINT: await receiver.start(), OTEL_BSP_SCHEDULE_DELAY: '500' });
    await prometheus.start(
      Object.fromEntries([...trio.services.values()].map((service) => [service.name, service.url.replace('http://', '')])),
      // The seed-name recording rules, on the real exposition: the labels they read must exist.
      [path.resolve(__dirname, '../monitoring/seed-compat.rules.yml')],
    );
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${trio.gateway}/api/v1/workflows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `scraped-${i}`, steps: ['extract', 'load'] }),
      });
      expect(response.status).toBe(201);
      trackingIds.push(response.headers.get('x-tracking-id')!);
    }
  });

  afterAll(async () => {
    await prometheus.stop();
    await trio.stop();
    await receiver.stop();
  });

  it('should collect request durations from all three services, by route template', async () => {
    await prometheus.waitUntil(
      async () => {
        const series = await prometheus.query('sum by (service, http_route) (http_server_request_duration_seconds_count)');
        return Object.entries(SERVICES).every(([service, route]) =>
          series.some((s) => s.metric.service === service && s.metric.http_route === route && Number(s.value[1]) >= 5),
        );
      },
      30_000,
      'request duration series of the three services not all scraped',
    );
    const series = await prometheus.query('http_server_request_duration_seconds_count{service="api-gateway"}');
    expect(series[0].metric).toMatchObject({ environment: 'dev', project: 'workflow-platform', http_request_method: 'POST', api_version: 'v1' });
  });

  it('should collect workflow and AI token series', async () => {
    await prometheus.waitUntil(
      async () => (await prometheus.query('workflow_executions_total{service="workflow-engine",status="completed"}')).length > 0,
      30_000,
      'no workflow series',
    );
    const tokens = await prometheus.query('ai_tokens_total{service="workflow-agent"}');
    expect(tokens.map((s) => s.metric.token_type).sort()).toEqual(['completion', 'prompt']);
    const active = await prometheus.query('active_workflows{service="api-gateway"}');
    expect(active).toHaveLength(1);
  });

  it('should store exemplars whose trace id is a tracking id the gateway returned', async () => {
    let found: string[] = [];
    await prometheus.waitUntil(
      async () => {
        const data = await prometheus.exemplars('http_server_request_duration_seconds_bucket{service="api-gateway"}');
        found = data.flatMap((series) => series.exemplars.map((exemplar) => exemplar.labels.trace_id));
        return found.some((traceId) => trackingIds.includes(traceId));
      },
      30_000,
      'no exemplar with a returned tracking id',
    );
    expect(found.every((traceId) => /^[0-9a-f]{32}$/.test(traceId))).toBe(true);
  });

  it('should expose metrics that promtool finds no problem with, for every metric this project defines', async () => {
    requireBinary(PROMTOOL_BIN);
    for (const service of trio.services.values()) {
      const exposition = await (await fetch(`${service.url}/metrics`)).text();
      const check = spawnSync(PROMTOOL_BIN, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
      const lines = `${check.stdout}${check.stderr}`.split('\n').filter(Boolean);
      // prom-client's own default metrics (nodejs_*, process_*) are not ours to rename.
      const ours = lines.filter((line) => !/^(nodejs|process)_/.test(line));
      expect({ service: service.name, problems: ours }).toEqual({ service: service.name, problems: [] });
      expect(exposition).toContain('http_server_request_duration_seconds_bucket');
    }
  });

  it("should answer the seeds' queries on the names monitoring/seed-compat.rules.yml records from the real metrics", async () => {
    const seedQueries = [
      'sum(rate(http_requests_total{service_name="api-gateway",method="POST",endpoint="/api/v1/workflows",status="201"}[1m])) by (service)',
      'sum(request_count{service_name="workflow-engine",status_code="200"})',
      'histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{service_name="api-gateway"}[1m])) by (le))',
      'sum by (service_name, endpoint, api_version) (endpoint_usage_total{service_name="api-gateway"})',
      'sum(request_duration_seconds_count{service_name="workflow-agent"})',
      'active_requests{service_name="api-gateway"}',
      'sum(ai_tokens_used_total)',
      'sum(ai_cost_total)',
    ];
    await prometheus.waitForData(
      seedQueries.map((expr) => ({ label: expr, expr })),
      30_000,
      'seed-name queries without data',
    );
  });

  it('should run every alert expression of monitoring/alerts.yml without error', async () => {
    for (const { alert, expr } of alertQueries()) {
      await expect(prometheus.query(expr).then(() => alert)).resolves.toBe(alert);
    }
  });

  it('should return data for every dashboard panel query, for the traffic this test sent', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(12);
    await prometheus.waitForData(
      queries.map(({ panel, expr }) => ({ label: `${panel}: ${expr}`, expr })),
      45_000,
      'dashboard panels without data',
    );
  });
});
