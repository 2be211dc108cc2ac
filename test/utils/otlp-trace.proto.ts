// The test receiver decodes with the same OTLP definitions the viewer ships.
export { OTLP_PROTO as OTLP_TRACE_PROTO } from 'nest-telemetry/viewer';
