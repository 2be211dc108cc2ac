import { Logger, ValidationPipe, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** How a sample service starts: one function so the three stay identical. */
export interface SampleServiceConfig {
  /** Module of the service. */
  module: Type<unknown>;
  /** Service name, for the start-up log line. */
  name: string;
  /** Port, from the environment variable `portEnv` when set. */
  defaultPort: number;
  portEnv: string;
}

/** Creates, configures and starts a sample service; resolves once it listens. */
export async function bootstrapSampleService(config: SampleServiceConfig): Promise<INestApplication> {
  // Start-up lines wait for the telemetry logger instead of going out in Nest's format.
  const app = await NestFactory.create(config.module, { bufferLogs: true });
  configureSampleApp(app);
  const port = portFromEnv(config.portEnv, config.defaultPort);
  const host = process.env.HOST ?? '0.0.0.0';
  await app.listen(port, host);
  new Logger('Bootstrap').log(`${config.name} listening on http://${host}:${port}`);
  return app;
}

/** Everything but `listen`, shared with the tests that start the apps in-process. */
export function configureSampleApp(app: INestApplication): void {
  // Unknown or ill-typed fields are a 400 with a message naming them, not a silent drop.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  // SIGINT/SIGTERM close the app, which flushes the spans still in the exporter's batch.
  app.enableShutdownHooks();
}

function portFromEnv(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${variable} must be a port number between 0 and 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}
