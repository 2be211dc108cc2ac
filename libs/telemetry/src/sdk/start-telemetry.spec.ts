import { diag, DiagConsoleLogger, DiagLogLevel, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { Test } from '@nestjs/testing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { TelemetryOptionsConflictError } from '../options/telemetry-options-conflict.error';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from '../telemetry.constants';
import { TelemetryModule } from '../telemetry.module';
import { MissingPeerDependencyError, requireOptionalPeer } from './optional-peer';
import { currentTelemetryRuntime, startTelemetry } from './start-telemetry';
import type { TelemetryRuntime } from './telemetry-runtime';
import type { TelemetrySdkOptions } from '../interfaces/telemetry-sdk-options.interface';
import { hasGlobalTracerProvider } from './global-tracer-provider';

describe('startTelemetry() and the runtime', () => {
  afterEach(async () => {
    await currentTelemetryRuntime()?.shutdown();
  });

  it('should return the running runtime when called again, and start a new one after shutdown()', async () => {
    const exporter = new InMemorySpanExporter();
    const first = startTelemetry({ serviceName: 'a', spanExporter: exporter, batch: false, detectResources: false });
    expect(startTelemetry({ serviceName: 'ignored' })).toBe(first);
    await first.shutdown();
    expect(currentTelemetryRuntime()).toBeUndefined();

    const restarted = new InMemorySpanExporter(); // shutdown() stopped the first one
    const second = startTelemetry({ serviceName: 'b', spanExporter: restarted, batch: false, detectResources: false });
    expect(second).not.toBe(first);
    trace.getTracer('t').startSpan('after restart').end();
    expect(restarted.getFinishedSpans().map((span) => [span.name, span.resource.attributes['service.name']])).toEqual([['after restart', 'b']]);
  });

  it('should hand the module the runtime through TELEMETRY_RUNTIME, and read SDK options from it', async () => {
    const runtime = startTelemetry({ serviceName: 'orders', trackingIdHeader: 'X-Request-Trace', detectResources: false });
    const moduleRef = await Test.createTestingModule({ imports: [TelemetryModule.forRoot({ logging: { enabled: false } })] }).compile();
    expect(moduleRef.get<TelemetryRuntime>(TELEMETRY_RUNTIME)).toBe(runtime);
    expect(moduleRef.get(TELEMETRY_OPTIONS)).toMatchObject({ serviceName: 'orders', trackingIdHeader: 'X-Request-Trace' });
    await moduleRef.close();
  });

  it('should stop start-up with a clear error when forRoot() disagrees with the started SDK', async () => {
    startTelemetry({ serviceName: 'orders', trackingIdHeader: 'X-Request-Trace', detectResources: false });
    const compile = Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'orders', trackingIdHeader: 'X-Tracking-ID' })],
    }).compile();
    await expect(compile).rejects.toThrow(TelemetryOptionsConflictError);
    await expect(
      Test.createTestingModule({ imports: [TelemetryModule.forRoot({ trackingIdHeader: 'X-Tracking-ID' })] }).compile(),
    ).rejects.toThrow(
      'TelemetryModule: option "trackingIdHeader" is "X-Tracking-ID" in TelemetryModule.forRoot() but "X-Request-Trace" in the SDK started by startTelemetry()',
    );
  });

  it('should accept the same object in both places (the samples pass one options object)', async () => {
    const options = { serviceName: 'orders', project: 'shop', otlpEndpoint: 'http://127.0.0.1:4318', traceExporter: 'none' as const, detectResources: false };
    startTelemetry(options);
    const moduleRef = await Test.createTestingModule({ imports: [TelemetryModule.forRoot(options)] }).compile();
    expect(moduleRef.get(TELEMETRY_OPTIONS)).toMatchObject({ serviceName: 'orders', otlpTracesUrl: 'http://127.0.0.1:4318/v1/traces' });
    await moduleRef.close();
  });
});

describe('startTelemetry() and the SDK-wide OTEL_* variables', () => {
  const VARIABLES = ['OTEL_PROPAGATORS', 'OTEL_SDK_DISABLED', 'OTEL_LOG_LEVEL', 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT', 'OTEL_RESOURCE_ATTRIBUTES'];
  const saved = new Map(VARIABLES.map((name) => [name, process.env[name]]));
  const start = (variables: Record<string, string>, options: TelemetrySdkOptions = {}) => {
    Object.assign(process.env, variables);
    const exporter = new InMemorySpanExporter();
    return { runtime: startTelemetry({ serviceName: 'env', spanExporter: exporter, batch: false, detectResources: false, ...options }), exporter };
  };

  afterEach(async () => {
    await currentTelemetryRuntime()?.shutdown();
    diag.disable();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('should propagate W3C Trace Context by the letter and W3C Baggage when OTEL_PROPAGATORS is unset', () => {
    start({});
    expect(propagation.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
    // The strict propagator discards a tracestate with a repeated key, which the SDK's keeps.
    const carrier = { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, tracestate: 'k=1,k=2' };
    const span = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
    expect(span?.traceId).toBe('a'.repeat(32));
    expect(span?.traceState).toBeUndefined();
  });

  it('should build the propagators OTEL_PROPAGATORS names, and none for "none" or names it does not know', async () => {
    start({ OTEL_PROPAGATORS: 'b3multi, tracecontext' });
    expect(propagation.fields()).toEqual(expect.arrayContaining(['x-b3-traceid', 'x-b3-spanid', 'traceparent']));
    expect(propagation.fields()).not.toContain('baggage');
    await currentTelemetryRuntime()!.shutdown();

    start({ OTEL_PROPAGATORS: 'none,tracecontext' });
    expect(propagation.fields()).toEqual([]);
    await currentTelemetryRuntime()!.shutdown();

    const warnings: unknown[] = [];
    const logger = { error: () => undefined, warn: (...args: unknown[]) => warnings.push(...args), info: () => undefined, debug: () => undefined, verbose: () => undefined };
    diag.setLogger(logger, DiagLogLevel.WARN);
    start({ OTEL_PROPAGATORS: 'jaeger' });
    expect(propagation.fields()).toEqual([]);
    expect(warnings.join(' ')).toContain('propagator "jaeger" named in OTEL_PROPAGATORS is not known');
  });

  it("should give OpenTelemetry's diagnostics a console logger at the level of OTEL_LOG_LEVEL", () => {
    const setLogger = jest.spyOn(diag, 'setLogger').mockImplementation(() => true);
    try {
      start({ OTEL_LOG_LEVEL: 'debug' });
      expect(setLogger).toHaveBeenCalledWith(expect.any(DiagConsoleLogger), { logLevel: DiagLogLevel.DEBUG });
    } finally {
      setLogger.mockRestore();
    }
  });

  it('should apply the span limits of OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, over OTEL_ATTRIBUTE_COUNT_LIMIT', () => {
    const { exporter } = start({ OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '2', OTEL_ATTRIBUTE_COUNT_LIMIT: '5' });
    trace.getTracer('t').startSpan('limited', { attributes: { a: 1, b: 2, c: 3 } }).end();
    const [span] = exporter.getFinishedSpans();
    expect(Object.keys(span.attributes)).toHaveLength(2);
    expect(span.droppedAttributesCount).toBe(1);
  });

  it("should keep the service's own resource attributes over what the detectors find", async () => {
    const { runtime, exporter } = start({ OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=pod-7' }, { detectResources: true });
    trace.getTracer('t').startSpan('resource').end();
    await runtime.forceFlush(); // a detected resource is exported once its attributes have settled
    const { attributes } = exporter.getFinishedSpans()[0].resource;
    expect(attributes['service.instance.id']).toBe('pod-7');
    expect(attributes['service.name']).toBe('env');
    expect(attributes['host.name']).toBeDefined(); // the detectors ran
  });

  it('should start no SDK when OTEL_SDK_DISABLED is true, and start one once it is unset', async () => {
    const { runtime } = start({ OTEL_SDK_DISABLED: 'true' });
    expect(runtime).toMatchObject({ sdkStarted: false, sdkDisabled: true, nestInstrumented: false });
    expect(hasGlobalTracerProvider()).toBe(false);
    expect(trace.getTracer('t').startSpan('dropped').isRecording()).toBe(false);
    expect(propagation.fields()).toEqual([]);
    await runtime.shutdown();
    expect(currentTelemetryRuntime()).toBeUndefined();

    delete process.env.OTEL_SDK_DISABLED;
    const { runtime: started, exporter } = start({});
    expect(started.sdkStarted).toBe(true);
    trace.getTracer('t').startSpan('recorded').end();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['recorded']);
  });
});

describe('requireOptionalPeer', () => {
  it('should name the missing package and what needed it', () => {
    expect(() => requireOptionalPeer('@opentelemetry/exporter-trace-otlp-nowhere', 'OTLP export over grpc')).toThrow(MissingPeerDependencyError);
    expect(() => requireOptionalPeer('@opentelemetry/exporter-trace-otlp-nowhere', 'OTLP export over grpc')).toThrow(
      'nest-telemetry: OTLP export over grpc needs the package "@opentelemetry/exporter-trace-otlp-nowhere", which is not installed; run: npm install @opentelemetry/exporter-trace-otlp-nowhere',
    );
  });

  it('should rethrow any other load error unchanged', () => {
    const broken = new SyntaxError('Unexpected token');
    expect(() => requireOptionalPeer('pino-pretty', 'logging.pretty', () => { throw broken; })).toThrow(broken);
  });
});
