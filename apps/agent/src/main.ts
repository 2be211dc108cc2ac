import './instrumentation';
import { bootstrapSampleService } from '@samples/kit';
import { AgentModule } from './agent.module';

void bootstrapSampleService({ module: AgentModule, name: 'workflow-agent', defaultPort: 8001, portEnv: 'AGENT_PORT' });
