import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { HealthController } from '@samples/kit';
import { TelemetryModule } from 'nest-telemetry';
import { ApiKeyRegistry } from './api-keys/api-key.registry';
import { ApiKeyUsageMiddleware } from './api-keys/api-key-usage.middleware';
import { SessionStore } from './sessions/session.store';
import { SessionsController } from './sessions/sessions.controller';
import { telemetryOptions } from './telemetry.options';
import { PeerClient } from './workflows/peer.client';
import { WorkflowsController } from './workflows/workflows.controller';
import { WorkflowsService } from './workflows/workflows.service';
import { WorkflowStore } from './workflows/workflow.store';

@Module({
  imports: [TelemetryModule.forRoot(telemetryOptions)],
  controllers: [WorkflowsController, SessionsController, HealthController],
  providers: [WorkflowsService, WorkflowStore, PeerClient, SessionStore, ApiKeyRegistry, ApiKeyUsageMiddleware],
})
export class GatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiKeyUsageMiddleware).forRoutes({ path: 'api/{*path}', method: RequestMethod.ALL });
  }
}
