import { Module } from '@nestjs/common';
import { HealthController } from '@samples/kit';
import { TelemetryModule } from 'nest-telemetry';
import { telemetryOptions } from './telemetry.options';
import { ExecutionController } from './execution/execution.controller';
import { StepRunner } from './execution/step.runner';

@Module({
  imports: [TelemetryModule.forRoot(telemetryOptions)],
  controllers: [ExecutionController, HealthController],
  providers: [StepRunner],
})
export class EngineModule {}
