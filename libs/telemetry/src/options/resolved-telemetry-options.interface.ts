import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import type { TelemetryLogLevel } from '../interfaces/telemetry-module-options.interface';
import type {
  BatchOptions,
  ExportThread,
  IgnoredPath,
  LogsExporterKind,
  SamplingRule,
  OtlpProtocol,
  TelemetryEnvironment,
  TraceExporterKind,
} from '../interfaces/telemetry-sdk-options.interface';

/** SDK options after defaults, `OTEL_*` fallbacks and validation: what the runtime runs on. @publicApi */
export interface ResolvedSdkOptions {
  serviceName: string;
  serviceVersion: string;
  environment: TelemetryEnvironment;
  project: string;
  resourceAttributes: Record<string, string | number | boolean>;
  detectResources: boolean;
  traceExporter: TraceExporterKind;
  /** Full traces URL for HTTP (`…/v1/traces`), host:port URL for gRPC; undefined when not exporting over OTLP. */
  otlpTracesUrl: string | undefined;
  otlpProtocol: OtlpProtocol;
  logsExporter: LogsExporterKind;
  /** Full logs URL for HTTP (`…/v1/logs`), host:port URL for gRPC; undefined when logs are not exported. */
  otlpLogsUrl: string | undefined;
  spanExporter: SpanExporter | undefined;
  batch: boolean;
  batchOptions: BatchOptions;
  exportThread: ExportThread;
  sampling: ResolvedSampling;
  ignorePaths: IgnoredPath[];
  trackingIdHeader: string;
  serverTiming: boolean;
  shutdownTimeoutMillis: number;
  exportErrorLogIntervalMillis: number;
  instrumentations: {
    http: boolean;
    undici: boolean;
    express: boolean;
    nestjs: boolean;
    extra: Instrumentation[];
  };
}

/** Head sampling after defaults, `OTEL_TRACES_SAMPLER*` fallbacks and validation. @publicApi */
export interface ResolvedSampling {
  /** A Sampler of the user's own, used as given; the fields below are then unused. */
  custom: Sampler | undefined;
  /** What decides a new trace no rule matched. */
  root: 'always_on' | 'always_off' | 'traceidratio';
  ratio: number;
  parentBased: boolean;
  alwaysSample: SamplingRule[];
}

/** The app-level options of the module after defaults and validation. @publicApi */
export interface ResolvedAppOptions {
  metrics: {
    enabled: boolean;
    defaultMetrics: boolean;
    port: number | undefined;
    host: string;
    bearerToken: string | undefined;
    maxLabelValues: number;
    operations: { bufferSize: number; endpoint: boolean };
  };
  logging: {
    enabled: boolean;
    level: TelemetryLogLevel;
    pretty: boolean;
    requestContext: boolean;
    accessLog: boolean;
    redact: string[];
    maskIp: boolean;
    source: boolean;
    maxFields: number;
    destination: { write(line: string): unknown } | undefined;
  };
}

/** What the module runs on: the runtime's SDK options and the app's own. @publicApi */
export type ResolvedTelemetryOptions = ResolvedSdkOptions & ResolvedAppOptions;
