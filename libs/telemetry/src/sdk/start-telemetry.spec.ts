import { trace } from '@opentelemetry/api';
import { Test } from '@nestjs/testing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { TelemetryOptionsConflictError } from '../options/telemetry-options-conflict.error';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from '../telemetry.constants';
import { TelemetryModule } from '../telemetry.module';
import { MissingPeerDependencyError, requireOptionalPeer } from './optional-peer';
import { currentTelemetryRuntime, startTelemetry } from './start-telemetry';
import type { TelemetryRuntime } from './telemetry-runtime';

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
