#!/usr/bin/env node
// `npx nest-telemetry-viewer`: the viewer on its own, options from TELEMETRY_VIEWER_*.
import { startTelemetryViewer } from './telemetry-viewer';

startTelemetryViewer().then(
  (viewer) => {
    process.stdout.write(`telemetry viewer on ${viewer.url}/ (OTLP/HTTP: ${viewer.url}/v1/traces, ${viewer.url}/v1/logs)\n`);
    const stop = () => void viewer.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (error: Error) => {
    process.stderr.write(`telemetry viewer: ${error.message}\n`);
    process.exit(1);
  },
);
