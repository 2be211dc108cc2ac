import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type {
  TelemetryLogLevel,
  BatchOptions,
  IgnoredPath,
  OtlpProtocol,
  TelemetryEnvironment,
  TraceExporterKind,
} from '../interfaces/telemetry-module-options.interface';

/** Options after defaults, `OTEL_*` fallbacks and validation: what the library runs on. @publicApi */
export interface ResolvedTelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  environment: TelemetryEnvironment;
  project: string;
  resourceAttributes: Record<string, string | number | boolean>;
  traceExporter: TraceExporterKind;
  /** Full traces URL for HTTP (`…/v1/traces`), host:port URL for gRPC; undefined when not exporting over OTLP. */
  otlpTracesUrl: string | undefined;
  otlpProtocol: OtlpProtocol;
  spanExporter: SpanExporter | undefined;
  batch: boolean;
  batchOptions: BatchOptions;
  samplingRatio: number;
  ignorePaths: IgnoredPath[];
  trackingIdHeader: string;
  metrics: {
    enabled: boolean;
    defaultMetrics: boolean;
    port: number | undefined;
    host: string;
    bearerToken: string | undefined;
    maxLabelValues: number;
  };
  logging: {
    enabled: boolean;
    level: TelemetryLogLevel;
    pretty: boolean;
    accessLog: boolean;
    redact: string[];
    maskIp: boolean;
    maxFields: number;
    destination: { write(line: string): unknown } | undefined;
  };
  instrumentations: Required<{
    http: boolean;
    undici: boolean;
    express: boolean;
    nestjs: boolean;
  }>;
}
