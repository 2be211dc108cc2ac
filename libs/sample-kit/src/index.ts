export { bootstrapSampleService, configureSampleApp, type SampleServiceConfig } from './bootstrap';
export { HealthController } from './health.controller';
export { sleep } from './sleep';
export { IsBoundedName, IsStepList } from './workflow-fields.decorators';
