import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { TelemetrySdkOptions } from '../interfaces/telemetry-sdk-options.interface';
import { resolveSdkOptions } from '../options/sdk-options.resolver';
import { OtlpEncodedSpanExporter, OtlpProtobufTraceExporter } from './otlp-protobuf-trace-exporter';
import { OtlpExportThread } from './otlp-export-thread';
import { createEncodedSpanExporter, createSpanExporter } from './span-exporter.factory';

const resolve = (options: TelemetrySdkOptions) => resolveSdkOptions({ serviceName: 'orders', traceExporter: 'otlp', ...options });

describe('createEncodedSpanExporter (spans encoded as they end)', () => {
  it("should take the default path, batched OTLP/HTTP protobuf, from the main thread where the worker's script is not built (these TypeScript sources)", async () => {
    // The built library sends from its worker thread: test/otlp-export-worker.e2e-spec.ts.
    expect(OtlpExportThread.available()).toBe(false);
    for (const exporter of [createEncodedSpanExporter(resolve({})), createEncodedSpanExporter(resolve({ exportThread: 'main' }))]) {
      expect(exporter).toBeInstanceOf(OtlpEncodedSpanExporter);
      await exporter!.shutdown();
    }
  });

  it.each<[string, TelemetrySdkOptions]>([
    ['a span exporter of the app', { spanExporter: new InMemorySpanExporter() }],
    ['OTLP/JSON', { otlpProtocol: 'http/json' }],
    ['gRPC', { otlpProtocol: 'grpc' }],
    ['no batching', { batch: false }],
    ['no export', { traceExporter: 'none' }],
    ['the console exporter', { traceExporter: 'console' }],
  ])("should leave %s to the SDK's span processors", (_case, options) => {
    expect(createEncodedSpanExporter(resolve(options))).toBeUndefined();
  });

  it('should give unbatched OTLP/HTTP protobuf the exporter of finished spans', async () => {
    const exporter = createSpanExporter(resolve({ batch: false }));
    expect(exporter).toBeInstanceOf(OtlpProtobufTraceExporter);
    await exporter!.shutdown();
  });
});
