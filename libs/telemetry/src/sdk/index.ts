// The `nest-telemetry/sdk` entry, loaded before Nest: it must import nothing from
// @nestjs/* or express (scripts/check-sdk-entry.js checks it).
export { startTelemetry } from './start-telemetry';
export type { TelemetryRuntime } from './telemetry-runtime';
export { InvalidTelemetryOptionsError } from '../options/invalid-telemetry-options.error';
export { MissingPeerDependencyError } from './optional-peer';
export type {
  BatchOptions,
  IgnoredPath,
  OtlpProtocol,
  SamplingRule,
  TelemetryEnvironment,
  TelemetryInstrumentationOptions,
  TelemetrySampling,
  TelemetrySdkOptions,
  TraceExporterKind,
  ExportThread,
} from '../interfaces/telemetry-sdk-options.interface';
export type { TelemetryModuleOptions } from '../interfaces/telemetry-module-options.interface';
