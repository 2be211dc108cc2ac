import './instrumentation';
import { bootstrapSampleService } from '@samples/kit';
import { GatewayModule } from './gateway.module';

void bootstrapSampleService({ module: GatewayModule, name: 'api-gateway', defaultPort: 8000, portEnv: 'GATEWAY_PORT' });
