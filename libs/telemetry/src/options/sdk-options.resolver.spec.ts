import { InvalidTelemetryOptionsError } from './invalid-telemetry-options.error';
import { resolveSdkOptions } from './sdk-options.resolver';

const OTEL_VARIABLES = [
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_TRACES_EXPORTER',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_BSP_SCHEDULE_DELAY',
  'npm_package_version',
];

describe('resolveSdkOptions', () => {
  const saved = { ...process.env };
  beforeEach(() => OTEL_VARIABLES.forEach((name) => delete process.env[name]));
  afterAll(() => {
    OTEL_VARIABLES.forEach((name) => delete process.env[name]);
    Object.assign(process.env, saved);
  });

  it('should apply defaults that export nothing when no endpoint is known', () => {
    const options = resolveSdkOptions();
    expect(options).toMatchObject({
      serviceName: 'unknown_service:node',
      serviceVersion: '0.0.0',
      environment: 'dev',
      project: 'default',
      traceExporter: 'none',
      otlpTracesUrl: undefined,
      otlpProtocol: 'http/protobuf',
      sampling: { custom: undefined, root: 'traceidratio', ratio: 1, parentBased: true, alwaysSample: [] },
      batch: true,
      exportThread: 'worker',
      trackingIdHeader: 'X-Tracking-ID',
      instrumentations: { http: true, undici: true, express: false, nestjs: false },
    });
    expect(options.ignorePaths).toEqual(expect.arrayContaining(['/health', '/metrics']));
  });

  it('should fall back to the standard OTEL_* variables', () => {
    process.env.OTEL_SERVICE_NAME = 'from-env';
    process.env.OTEL_RESOURCE_ATTRIBUTES =
      'service.version=2.1.0,deployment.environment.name=prod,service.namespace=shop%20floor';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://collector:4318/';
    process.env.OTEL_TRACES_SAMPLER_ARG = '0.25';
    process.env.OTEL_BSP_SCHEDULE_DELAY = '250';

    expect(resolveSdkOptions()).toMatchObject({
      serviceName: 'from-env',
      serviceVersion: '2.1.0',
      environment: 'prod',
      project: 'shop floor',
      traceExporter: 'otlp',
      otlpTracesUrl: 'http://collector:4318/v1/traces',
      sampling: { ratio: 0.25, parentBased: true },
      batchOptions: { scheduledDelayMillis: 250 },
    });
  });

  it('should let options win over the environment', () => {
    process.env.OTEL_SERVICE_NAME = 'from-env';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://collector:4318';
    const options = resolveSdkOptions({ serviceName: 'from-options', otlpEndpoint: 'https://otlp.example:4318', samplingRatio: 0.5 });
    expect(options).toMatchObject({ serviceName: 'from-options', otlpTracesUrl: 'https://otlp.example:4318/v1/traces', sampling: { ratio: 0.5 } });
  });

  it('should use the traces-specific endpoint as is, and keep a gRPC endpoint without a path', () => {
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = 'http://collector:4318/custom/traces';
    expect(resolveSdkOptions().otlpTracesUrl).toBe('http://collector:4318/custom/traces');
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://collector:4317';
    expect(resolveSdkOptions()).toMatchObject({ otlpProtocol: 'grpc', otlpTracesUrl: 'http://collector:4317' });
  });

  it.each([
    ['always_on', undefined, { root: 'always_on', parentBased: false }],
    ['always_off', undefined, { root: 'always_off', parentBased: false }],
    ['traceidratio', '0.3', { root: 'traceidratio', ratio: 0.3, parentBased: false }],
    ['parentbased_always_on', undefined, { root: 'always_on', parentBased: true }],
    ['parentbased_always_off', undefined, { root: 'always_off', parentBased: true }],
    ['PARENTBASED_TRACEIDRATIO', '0.05', { root: 'traceidratio', ratio: 0.05, parentBased: true }],
  ])('should read the standard sampler OTEL_TRACES_SAMPLER=%s', (sampler, arg, expected) => {
    process.env.OTEL_TRACES_SAMPLER = sampler;
    if (arg !== undefined) process.env.OTEL_TRACES_SAMPLER_ARG = arg;
    expect(resolveSdkOptions().sampling).toMatchObject(expected);
  });

  it('should sample 10 % of new traces in prod and all in dev by default, and let an option win', () => {
    expect(resolveSdkOptions({ environment: 'prod' }).sampling.ratio).toBe(0.1);
    expect(resolveSdkOptions({ environment: 'staging' }).sampling.ratio).toBe(1);
    expect(resolveSdkOptions({ environment: 'dev' }).sampling.ratio).toBe(1);
    expect(resolveSdkOptions({ environment: 'prod', sampler: { ratio: 0.5 } }).sampling.ratio).toBe(0.5);
    process.env.OTEL_TRACES_SAMPLER = 'always_off';
    // A ratio written in the options decides, over the variable's sampler.
    expect(resolveSdkOptions({ samplingRatio: 0.2 }).sampling).toMatchObject({ root: 'traceidratio', ratio: 0.2 });
  });

  it('should reject samplers it cannot build and malformed rules, naming them', () => {
    process.env.OTEL_TRACES_SAMPLER = 'jaeger_remote';
    expect(() => resolveSdkOptions()).toThrow(/"sampler \(OTEL_TRACES_SAMPLER\)".*"jaeger_remote".*Sampler instance/);
    process.env.OTEL_TRACES_SAMPLER = 'sometimes';
    expect(() => resolveSdkOptions()).toThrow(/"sometimes".*always_on, always_off, traceidratio/);
    delete process.env.OTEL_TRACES_SAMPLER;
    expect(() => resolveSdkOptions({ sampler: { alwaysSample: [{ header: 'x user' }] } })).toThrow(/"sampler.alwaysSample\[0\].header"/);
    expect(() => resolveSdkOptions({ sampler: { alwaysSample: [{ path: 'admin' }] } })).toThrow(/"sampler.alwaysSample\[0\].path"/);
    for (const header of ['Authorization', 'cookie', 'X-API-Key', 'x-session-token']) {
      expect(() => resolveSdkOptions({ sampler: { alwaysSample: [{ header }] } })).toThrow(/a header that holds no secret/);
    }
    expect(() => resolveSdkOptions({ sampler: { alwaysSample: [{ route: '/x' }] } } as never)).toThrow(/"sampler.alwaysSample\[0\]"/);
    expect(() => resolveSdkOptions({ samplingRatio: 0.1, sampler: { ratio: 0.2 } })).toThrow(/"samplingRatio"/);
  });

  it.each([
    ['environment', { environment: 'production' }, /"environment".*"production".*"dev", "staging", "prod"/],
    ['samplingRatio', { samplingRatio: 1.5 }, /"samplingRatio".*1\.5/],
    ['samplingRatio', { samplingRatio: Number.NaN }, /"samplingRatio"/],
    ['serviceName', { serviceName: '  ' }, /"serviceName"/],
    ['otlpEndpoint', { otlpEndpoint: 'collector:4318' }, /"otlpEndpoint".*an http\(s\) URL/],
    ['otlpProtocol', { otlpProtocol: 'udp' }, /"otlpProtocol".*"udp"/],
    ['traceExporter', { traceExporter: 'zipkin' }, /"traceExporter"/],
    ['exportThread', { exportThread: 'background' }, /"exportThread".*"background".*"worker", "main"/],
    ['ignorePaths', { ignorePaths: ['health'] }, /"ignorePaths".*"health"/],
    ['trackingIdHeader', { trackingIdHeader: 'X-Tracking ID\r\n' }, /"trackingIdHeader"/],
    ['resourceAttributes.team', { resourceAttributes: { team: { nested: true } } }, /"resourceAttributes.team"/],
    ['instrumentations.http', { instrumentations: { http: 'yes' } }, /"instrumentations.http"/],
    ['instrumentations.extra[1]', { instrumentations: { extra: [{ enable() {}, setTracerProvider() {} }, 'pg'] } }, /"instrumentations.extra\[1\]".*PgInstrumentation/],
    ['batchOptions.maxQueueSize', { batchOptions: { maxQueueSize: -1 } }, /"batchOptions.maxQueueSize"/],
  ])('should reject an invalid %s with a message naming it', (option, options, message) => {
    const attempt = () => resolveSdkOptions(options as never);
    expect(attempt).toThrow(InvalidTelemetryOptionsError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidTelemetryOptionsError).option).toBe(option);
    }
  });

  it('should refuse at start-up an HTTP protocol on the gRPC port 4317, and gRPC on 4318, saying what to change', () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://collector:4317';
    expect(() => resolveSdkOptions()).toThrow(InvalidTelemetryOptionsError);
    expect(() => resolveSdkOptions()).toThrow(/"otlpEndpoint \(OTEL_EXPORTER_OTLP_ENDPOINT\)".*"http:\/\/collector:4317".*4317 is OTLP\/gRPC's.*OTEL_EXPORTER_OTLP_PROTOCOL=grpc/);
    expect(() => resolveSdkOptions({ otlpEndpoint: 'http://localhost:4317', otlpProtocol: 'http/json' })).toThrow(/"otlpEndpoint".*for the http\/json protocol/);
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
    expect(resolveSdkOptions().otlpTracesUrl).toBe('http://collector:4317');
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://collector:4318';
    expect(() => resolveSdkOptions()).toThrow(/4318 is OTLP\/HTTP's/);
    delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    expect(resolveSdkOptions().otlpTracesUrl).toBe('http://collector:4318/v1/traces');
  });

  it('should name the environment variable when the bad value came from it', () => {
    process.env.OTEL_TRACES_SAMPLER_ARG = 'ten percent';
    expect(() => resolveSdkOptions()).toThrow(/samplingRatio \(OTEL_TRACES_SAMPLER_ARG\)/);
    delete process.env.OTEL_TRACES_SAMPLER_ARG;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'not a url';
    expect(() => resolveSdkOptions()).toThrow(/otlpEndpoint \(OTEL_EXPORTER_OTLP_ENDPOINT\)/);
  });
});
