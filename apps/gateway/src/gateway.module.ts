import { Module } from '@nestjs/common';
import { HealthController } from '@samples/kit';
import { TelemetryModule } from 'nest-telemetry';
import { telemetryOptions } from './telemetry.options';
import { PeerClient } from './workflows/peer.client';
import { WorkflowsController } from './workflows/workflows.controller';
import { WorkflowsService } from './workflows/workflows.service';
import { WorkflowStore } from './workflows/workflow.store';

@Module({
  imports: [TelemetryModule.forRoot(telemetryOptions)],
  controllers: [WorkflowsController, HealthController],
  providers: [WorkflowsService, WorkflowStore, PeerClient],
})
export class GatewayModule {}
