import './instrumentation';
import { bootstrapSampleService } from '@samples/kit';
import { EngineModule } from './engine.module';

void bootstrapSampleService({ module: EngineModule, name: 'workflow-engine', defaultPort: 8002, portEnv: 'ENGINE_PORT' });
