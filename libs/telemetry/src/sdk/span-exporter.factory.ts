import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpProtocol } from '../interfaces/telemetry-sdk-options.interface';
import type { ResolvedSdkOptions } from '../options/resolved-telemetry-options.interface';
import { requireOptionalPeer } from './optional-peer';

type OtlpExporterClass = new (config: { url?: string }) => SpanExporter;

/** The optional peer package of each OTLP transport. @internal */
export const OTLP_EXPORTER_PACKAGES: Record<OtlpProtocol, string> = {
  'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
  'http/json': '@opentelemetry/exporter-trace-otlp-http',
  grpc: '@opentelemetry/exporter-trace-otlp-grpc',
};

/**
 * The exporter for the resolved options, or undefined when spans are not exported.
 * OTLP exporters are optional peers, required only when chosen, so an app that never
 * exports does not install or load protobuf or gRPC code. Headers, timeout and
 * compression come from the standard `OTEL_EXPORTER_OTLP_*` variables, which the
 * exporters read themselves.
 * @internal
 */
export function createSpanExporter(options: ResolvedSdkOptions): SpanExporter | undefined {
  if (options.spanExporter) return options.spanExporter;
  switch (options.traceExporter) {
    case 'none':
      return undefined;
    case 'console':
      return new ConsoleSpanExporter();
    case 'otlp': {
      const packageName = OTLP_EXPORTER_PACKAGES[options.otlpProtocol];
      const { OTLPTraceExporter } = requireOptionalPeer<{ OTLPTraceExporter: OtlpExporterClass }>(
        packageName,
        `OTLP export over ${options.otlpProtocol}`,
      );
      return new OTLPTraceExporter(options.otlpTracesUrl ? { url: options.otlpTracesUrl } : {});
    }
  }
}
