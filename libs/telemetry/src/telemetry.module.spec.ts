import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidTelemetryOptionsError } from './options/invalid-telemetry-options.error';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from './telemetry.constants';
import { TelemetryModule } from './telemetry.module';
import { TELEMETRY_MODULE_OPTIONS, type TelemetryOptionsFactory } from './telemetry.module-definition';
import { TraceService } from './tracing/trace.service';
import type { TelemetryModuleOptions } from './interfaces/telemetry-module-options.interface';

@Injectable()
class TelemetryConfig implements TelemetryOptionsFactory {
  createTelemetryOptions(): TelemetryModuleOptions {
    return { serviceName: 'from-class', environment: 'staging' };
  }
}

@Module({ providers: [TelemetryConfig], exports: [TelemetryConfig] })
class ConfigModule {}

@Injectable()
class UsesTracing {
  constructor(readonly traces: TraceService) {}
}

/** A feature module that does not import TelemetryModule itself. */
@Module({ providers: [UsesTracing] })
class FeatureModule {}

async function resolvedOptions(imports: unknown[]): Promise<ResolvedTelemetryOptions> {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  const options = moduleRef.get<ResolvedTelemetryOptions>(TELEMETRY_OPTIONS);
  await moduleRef.close();
  return options;
}

describe('TelemetryModule', () => {
  it('should register with forRoot() and no options', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TelemetryModule.forRoot()] }).compile();
    expect(moduleRef.get(TraceService)).toBeInstanceOf(TraceService);
    expect(moduleRef.get<ResolvedTelemetryOptions>(TELEMETRY_OPTIONS).environment).toBe('dev');
    await moduleRef.close();
  });

  it('should pass forRoot options through, without the isGlobal extra', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'orders', project: 'shop', isGlobal: true })],
    }).compile();
    expect(moduleRef.get(TELEMETRY_MODULE_OPTIONS)).toEqual({ serviceName: 'orders', project: 'shop' });
    expect(moduleRef.get<ResolvedTelemetryOptions>(TELEMETRY_OPTIONS)).toMatchObject({ serviceName: 'orders', project: 'shop' });
    await moduleRef.close();
  });

  it('should register with forRootAsync({ useFactory, inject, imports })', async () => {
    const options = await resolvedOptions([
      TelemetryModule.forRootAsync({
        imports: [ConfigModule],
        inject: [TelemetryConfig],
        useFactory: async (config: TelemetryConfig) => ({ ...config.createTelemetryOptions(), serviceName: 'from-factory' }),
      }),
    ]);
    expect(options).toMatchObject({ serviceName: 'from-factory', environment: 'staging' });
  });

  it('should register with forRootAsync({ useClass })', async () => {
    const options = await resolvedOptions([TelemetryModule.forRootAsync({ useClass: TelemetryConfig })]);
    expect(options).toMatchObject({ serviceName: 'from-class', environment: 'staging' });
  });

  it('should register with forRootAsync({ useExisting })', async () => {
    const options = await resolvedOptions([TelemetryModule.forRootAsync({ imports: [ConfigModule], useExisting: TelemetryConfig })]);
    expect(options.serviceName).toBe('from-class');
  });

  it('should make TraceService injectable everywhere by default', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TelemetryModule.forRoot(), FeatureModule] }).compile();
    expect(moduleRef.get(UsesTracing).traces).toBeInstanceOf(TraceService);
    await moduleRef.close();
  });

  it('should stay local with isGlobal: false', async () => {
    const compile = Test.createTestingModule({ imports: [TelemetryModule.forRoot({ isGlobal: false }), FeatureModule] }).compile();
    await expect(compile).rejects.toThrow(/TraceService/);
  });

  it('should fail at start-up on an invalid option, naming it', async () => {
    const compile = Test.createTestingModule({ imports: [TelemetryModule.forRoot({ samplingRatio: 2 })] }).compile();
    await expect(compile).rejects.toThrow(InvalidTelemetryOptionsError);
    await expect(
      Test.createTestingModule({
        imports: [TelemetryModule.forRootAsync({ useFactory: () => ({ environment: 'qa' as never }) })],
      }).compile(),
    ).rejects.toThrow(/invalid option "environment": "qa"/);
  });
});
