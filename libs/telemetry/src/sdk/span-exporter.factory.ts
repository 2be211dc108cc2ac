import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';

/**
 * The exporter for the resolved options, or undefined when spans are not exported.
 * OTLP exporters are required lazily so an app that never exports does not load
 * protobuf or gRPC code. Headers, timeout and compression come from the standard
 * `OTEL_EXPORTER_OTLP_*` variables, which the exporters read themselves.
 * @internal
 */
export function createSpanExporter(options: ResolvedTelemetryOptions): SpanExporter | undefined {
  if (options.spanExporter) return options.spanExporter;
  switch (options.traceExporter) {
    case 'none':
      return undefined;
    case 'console':
      return new ConsoleSpanExporter();
    case 'otlp':
      return createOtlpExporter(options);
  }
}

function createOtlpExporter({ otlpProtocol, otlpTracesUrl }: ResolvedTelemetryOptions): SpanExporter {
  const config = otlpTracesUrl ? { url: otlpTracesUrl } : {};
  switch (otlpProtocol) {
    case 'grpc': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      return new OTLPTraceExporter(config);
    }
    case 'http/json': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter(config);
    }
    case 'http/protobuf': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter(config);
    }
  }
}
