import { Controller, Get, Injectable, Param, SetMetadata, UseGuards, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import request from 'supertest';
import { InMemoryTracing } from '../testing/in-memory-tracing';
import { TelemetryModule } from '../telemetry.module';
import { Traced } from './traced.decorator';
import { TracingInterceptor } from './tracing.interceptor';

const Roles = (...roles: string[]) => SetMetadata('roles', roles);

@Injectable()
class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.get<string[] | undefined>('roles', context.getHandler());
    if (!roles) return true;
    return roles.includes(context.switchToHttp().getRequest().headers['x-role']);
  }
}

@Controller('api/v1/sessions')
@UseGuards(RolesGuard)
class SessionsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }

  // @Traced() above the metadata decorator: it wraps a function that already has metadata.
  @Get(':id/secret')
  @Traced()
  @Roles('admin')
  secret() {
    return { secret: true };
  }

  // @Traced() below: the metadata is written on the wrapper.
  @Get(':id/other-secret')
  @Roles('admin')
  @Traced({ name: 'sessions.otherSecret' })
  otherSecret() {
    return { secret: true };
  }

  @Get(':id/fail')
  fail(): never {
    throw new Error('handler failed');
  }
}

describe('TracingInterceptor', () => {
  let tracing: InMemoryTracing;
  let app: INestApplication;

  beforeEach(async () => {
    tracing = InMemoryTracing.start({ serviceName: 'sessions' });
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'sessions' })],
      controllers: [SessionsController],
      providers: [RolesGuard, { provide: APP_INTERCEPTOR, useClass: TracingInterceptor }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterEach(async () => {
    await app.close();
    await tracing.stop();
  });

  it('should name the server span after the route template, never the raw path', async () => {
    await request(app.getHttpServer()).get('/api/v1/sessions/42').expect(200);
    const server = tracing.spans().find((span) => span.kind === SpanKind.SERVER)!;
    expect(server.name).toBe('GET /api/v1/sessions/:id');
    expect(server.attributes['http.route']).toBe('/api/v1/sessions/:id');
  });

  it('should create one controller span under the server span when nestjs-core instrumentation is not running', async () => {
    await request(app.getHttpServer()).get('/api/v1/sessions/42').expect(200);
    const server = tracing.spans().find((span) => span.kind === SpanKind.SERVER)!;
    const handlers = tracing.spans().filter((span) => span.name === 'SessionsController.get');
    expect(handlers).toHaveLength(1);
    expect(handlers[0].parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(handlers[0].attributes).toMatchObject({ 'http.route': '/api/v1/sessions/:id', 'nestjs.controller': 'SessionsController' });
  });

  it('should record a handler error on the controller span', async () => {
    await request(app.getHttpServer()).get('/api/v1/sessions/42/fail').expect(500);
    expect(tracing.span('SessionsController.fail').status.code).toBe(SpanStatusCode.ERROR);
  });

  it.each(['secret', 'other-secret'])('should keep guard metadata on a @Traced() handler (%s)', async (path) => {
    await request(app.getHttpServer()).get(`/api/v1/sessions/1/${path}`).expect(403);
    await request(app.getHttpServer()).get(`/api/v1/sessions/1/${path}`).set('x-role', 'admin').expect(200);
    const tracedName = path === 'secret' ? 'SessionsController.secret' : 'sessions.otherSecret';
    // One @Traced() span for the allowed call (the forbidden one never reached the handler).
    const tracedSpans = tracing.spans().filter((span) => span.name === tracedName && !('nestjs.controller' in span.attributes));
    expect(tracedSpans).toHaveLength(1);
  });
});
