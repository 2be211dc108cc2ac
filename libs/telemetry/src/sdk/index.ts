// Entry point loaded before Nest: it must import nothing from @nestjs/* or express.
export { startTelemetry, getTelemetrySdk, type TelemetrySdk } from './telemetry-sdk';
export type { TelemetryModuleOptions } from '../interfaces/telemetry-module-options.interface';
