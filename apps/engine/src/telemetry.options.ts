import type { TelemetryModuleOptions } from 'nest-telemetry/sdk';

/** One object for startTelemetry() (before Nest) and TelemetryModule.forRoot(). */
export const telemetryOptions: TelemetryModuleOptions = {
  serviceName: 'workflow-engine',
  serviceVersion: '1.0.0',
  project: 'workflow-platform',
  // The step records of the sample, at GET /_telemetry/operations (off by default).
  metrics: { operations: { endpoint: true } },
};
