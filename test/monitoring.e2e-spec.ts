import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROMTOOL_BIN, requireBinary } from './utils/prometheus-server';
import { MONITORING, readYaml, ROOT } from './utils/monitoring-config';

// Issue 8: the monitoring stack cannot run here (no Docker engine), so every file of it
// is checked by the tools that would reject it: dclint for Compose, promtool for
// Prometheus, and structural checks for what no tool here validates.
interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}
interface CollectorConfig {
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  service: {
    extensions?: string[];
    pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
  };
}

const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.grafana-cloud.yml'];
const TRIO = ['gateway', 'agent', 'engine'];

function run(command: string, args: string[], cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

describe('docker-compose.yml', () => {
  const compose = readYaml<Compose>('docker-compose.yml');

  it('passes the Compose linter (dclint), warnings included', () => {
    // The package's exports hide its bin file from require.resolve; npm links it here.
    const dclint = path.join(ROOT, 'node_modules/.bin/dclint');
    const result = run(dclint, ['--max-warnings', '0', ...COMPOSE_FILES]);
    expect({ status: result.status, output: result.output.trim() }).toEqual({ status: 0, output: '' });
  });

  it('has the trio and the stack, each built here or from an image pinned to a version', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['agent', 'engine', 'gateway', 'grafana', 'jaeger', 'loki', 'otel-collector', 'prometheus']);
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build) continue;
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[\w./-]+:(?!latest$)[\w.-]+$/) });
    }
  });

  it('mounts only files and folders that exist, and named volumes that are declared', () => {
    for (const file of COMPOSE_FILES) {
      const { services, volumes = {} } = readYaml<Compose>(file);
      for (const [name, service] of Object.entries(services)) {
        for (const volume of service.volumes ?? []) {
          const source = volume.split(':')[0];
          if (source.startsWith('./')) expect({ name, source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ name, source, exists: true });
          else if (!source.startsWith('/')) expect({ name, source, declared: source in volumes || file !== 'docker-compose.yml' }).toEqual({ name, source, declared: true });
        }
      }
    }
  });

  it('publishes the seeds ports, on 127.0.0.1, without a clash', () => {
    const published = Object.entries(compose.services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => ({ name, host: port.split(':').slice(0, -1).join(':') })),
    );
    const hostPorts = published.map(({ host }) => host);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    expect(published.every(({ host }) => host.startsWith('127.0.0.1:'))).toBe(true);
    const portsOf = (name: string) => published.filter((entry) => entry.name === name).map(({ host }) => Number(host.split(':')[1]));
    expect({ gateway: portsOf('gateway'), agent: portsOf('agent'), engine: portsOf('engine') }).toEqual({ gateway: [8000], agent: [8001], engine: [8002] });
    expect(portsOf('otel-collector')).toEqual(expect.arrayContaining([4317, 4318]));
    expect({ jaeger: portsOf('jaeger'), prometheus: portsOf('prometheus'), grafana: portsOf('grafana'), loki: portsOf('loki') }).toEqual({
      jaeger: [16686],
      prometheus: [9090],
      grafana: [3000],
      loki: [3100],
    });
  });

  it('points the trio at the collector and checks their health', () => {
    for (const name of TRIO) {
      const service = compose.services[name];
      expect(service.environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
      expect(service.healthcheck?.test.join(' ')).toContain(`/health`);
    }
  });

  it('builds the services in a multi-stage Dockerfile that runs as a non-root user', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER (?!root\b|0\b)\S+/m);
  });

  it('keeps Grafana Cloud credentials out of the repository', () => {
    const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    expect(example).toMatch(/^GRAFANA_CLOUD_API_TOKEN=$/m);
    expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
    const tracked = run('git', ['ls-files']).output.split('\n');
    expect(tracked).not.toContain('.env');
  });
});

describe.each(['otel-collector-config.yml', 'otel-collector-config.grafana-cloud.yml'])('monitoring/%s', (file) => {
  const config = readYaml<CollectorConfig>(`monitoring/${file}`);

  it('names only defined receivers, processors and exporters in its pipelines, memory_limiter first', () => {
    const pipelines = Object.entries(config.service.pipelines);
    expect(pipelines.map(([name]) => name).sort()).toEqual(['logs', 'metrics', 'traces']);
    for (const [name, pipeline] of pipelines) {
      expect({ name, undefined: pipeline.receivers.filter((id) => !(id in config.receivers)) }).toEqual({ name, undefined: [] });
      expect({ name, undefined: pipeline.processors.filter((id) => !(id in config.processors)) }).toEqual({ name, undefined: [] });
      expect({ name, undefined: pipeline.exporters.filter((id) => !(id in config.exporters)) }).toEqual({ name, undefined: [] });
      expect({ name, first: pipeline.processors[0] }).toEqual({ name, first: 'memory_limiter' });
      expect({ name, last: pipeline.processors.at(-1) }).toEqual({ name, last: 'batch' });
    }
    for (const extension of config.service.extensions ?? []) expect(config.extensions).toHaveProperty([extension]);
  });

  it('upserts the environment and keeps errors, slow traces and 10 % of the rest', () => {
    expect(config.processors.resource).toEqual({
      attributes: [{ key: 'deployment.environment.name', value: '${env:ENVIRONMENT}', action: 'upsert' }],
    });
    const policies = (config.processors.tail_sampling as { policies: { type: string; [key: string]: unknown }[] }).policies;
    expect(policies.map((policy) => policy.type)).toEqual(['status_code', 'latency', 'probabilistic']);
    expect(policies[0].status_code).toEqual({ status_codes: ['ERROR'] });
    expect(policies[2].probabilistic).toEqual({ sampling_percentage: 10 });
    expect(config.service.pipelines.traces.processors).toContain('tail_sampling');
  });

  it('receives OTLP over gRPC (4317) and HTTP (4318)', () => {
    expect(config.receivers.otlp).toEqual({ protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } });
  });
});

describe('Prometheus configuration and alert rules', () => {
  beforeAll(() => requireBinary(PROMTOOL_BIN));

  it('passes promtool check config (with its rule files)', () => {
    const result = run(PROMTOOL_BIN, ['check', 'config', 'monitoring/prometheus.yml']);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('passes promtool check rules', () => {
    const result = run(PROMTOOL_BIN, ['check', 'rules', 'monitoring/alerts.yml']);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 5 rules found') });
  });

  it('passes its rule unit tests: each alert fires when it should and stays silent when it should not', () => {
    const result = run(PROMTOOL_BIN, ['test', 'rules', 'alerts.test.yml'], MONITORING);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    // Every alert has a test.
    const tests = fs.readFileSync(path.join(MONITORING, 'alerts.test.yml'), 'utf8');
    for (const alert of ['HighErrorRate', 'LatencySLOBreach', 'ServiceDown', 'AICostBurn', 'SpanExportDropping']) {
      expect(tests).toContain(`alertname: ${alert}`);
    }
  });

  it("passes the seed-name mapping's rule tests: every seed name from ours, and the seeds' queries on them", () => {
    expect(run(PROMTOOL_BIN, ['check', 'rules', 'monitoring/seed-compat.rules.yml'])).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 19 rules found') });
    const result = run(PROMTOOL_BIN, ['test', 'rules', 'seed-compat.rules.test.yml'], MONITORING);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    // Every recorded name is queried by a test.
    const tests = fs.readFileSync(path.join(MONITORING, 'seed-compat.rules.test.yml'), 'utf8');
    const recorded = [...fs.readFileSync(path.join(MONITORING, 'seed-compat.rules.yml'), 'utf8').matchAll(/record: (\w+)/g)].map((match) => match[1]);
    const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    for (const name of recorded) expect(tests).toMatch(new RegExp(`\\b(${name}|${base(name)}_(bucket|sum|count))\\b`));
  });

  it('scrapes the three services and the collector, with alerts loaded', () => {
    const config = readYaml<{ rule_files: string[]; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }>('monitoring/prometheus.yml');
    expect(config.rule_files).toEqual(['alerts.yml', 'seed-compat.rules.yml']);
    const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((s) => s.targets));
    expect(targets).toEqual(expect.arrayContaining(['gateway:8000', 'agent:8001', 'engine:8002', 'otel-collector:8888']));
  });
});

describe('Grafana provisioning', () => {
  const datasources = readYaml<{ datasources: { uid: string; type: string; jsonData?: Record<string, any> }[] }>( // eslint-disable-line @typescript-eslint/no-explicit-any
    'monitoring/grafana/provisioning/datasources/datasources.yml',
  ).datasources;
  const byUid = (uid: string) => datasources.find((source) => source.uid === uid)!;

  it('links exemplars to traces, traces to logs and log lines back to traces', () => {
    expect(datasources.map((source) => source.type).sort()).toEqual(['jaeger', 'loki', 'prometheus']);
    expect(byUid('prometheus').jsonData?.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'jaeger' }]);
    expect(byUid('jaeger').jsonData?.tracesToLogsV2).toMatchObject({ datasourceUid: 'loki', filterByTraceID: true });
    expect(byUid('loki').jsonData?.derivedFields.every((field: { datasourceUid: string }) => field.datasourceUid === 'jaeger')).toBe(true);
  });

  it('provisions the dashboard folder that the compose file mounts', () => {
    const provider = readYaml<{ providers: { options: { path: string } }[] }>('monitoring/grafana/provisioning/dashboards/dashboards.yml').providers[0];
    const grafana = readYaml<Compose>('docker-compose.yml').services.grafana;
    expect(grafana.volumes).toContain(`./monitoring/grafana/dashboards:${provider.options.path}:ro`);
  });
});
