import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Param,
  Post,
  ValidationPipe,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind, trace } from '@opentelemetry/api';
import { IsString } from 'class-validator';
import request from 'supertest';
import { InMemoryTracing } from '../testing/in-memory-tracing';
import { TelemetryAttributes } from '../telemetry.constants';
import { TelemetryModule } from '../telemetry.module';
import { TraceService } from '../tracing/trace.service';
import { TrackingId } from './tracking-id.decorator';
import { TrackingIdMiddleware } from './tracking-id.middleware';

class CreateItemDto {
  @IsString()
  name!: string;
}

@Controller('items')
class ItemsController {
  constructor(private readonly traces: TraceService) {}

  @Get('bad')
  bad(): never {
    throw new BadRequestException('bad item');
  }

  @Get('crash')
  crash(): never {
    throw new Error('unexpected');
  }

  @Get(':id')
  async get(@Param('id') id: string, @TrackingId() trackingId: string) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { id, trackingId, fromService: this.traces.getTrackingId(), spanActive: trace.getActiveSpan() !== undefined };
  }

  @Post()
  create(@Body() dto: CreateItemDto) {
    return dto;
  }
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const PARENT = '4bf92f3577b34da6a3ce929d0e0e4736';

async function createApp(options: Parameters<typeof TelemetryModule.forRoot>[0] = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [TelemetryModule.forRoot({ serviceName: 'items', ...options })],
    controllers: [ItemsController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(new ValidationPipe());
  return app.init();
}

describe('TrackingIdMiddleware', () => {
  let tracing: InMemoryTracing;
  let app: INestApplication;

  afterEach(async () => {
    await app.close();
    await tracing.stop();
  });

  describe('with a server span per request', () => {
    beforeEach(async () => {
      tracing = InMemoryTracing.start({ serviceName: 'items' });
      app = await createApp();
    });

    const serverSpan = () => tracing.spans().find((span) => span.kind === SpanKind.SERVER)!;

    it.each([
      ['success', () => request(app.getHttpServer()).get('/items/7'), 200],
      ['an unmatched route', () => request(app.getHttpServer()).get('/nowhere'), 404],
      ['an HttpException', () => request(app.getHttpServer()).get('/items/bad'), 400],
      ['an unexpected error', () => request(app.getHttpServer()).get('/items/crash'), 500],
      ['a validation error', () => request(app.getHttpServer()).post('/items').send({ name: 42 }), 400],
    ])('should answer %s with X-Tracking-ID equal to the trace id', async (_case, send, status) => {
      const response = await send();
      expect(response.status).toBe(status);
      const span = serverSpan();
      expect(response.headers['x-tracking-id']).toBe(span.spanContext().traceId);
      expect(span.attributes[TelemetryAttributes.TRACKING_ID]).toBe(span.spanContext().traceId);
    });

    it('should give business code the same id through @TrackingId() and TraceService', async () => {
      const response = await request(app.getHttpServer()).get('/items/7').expect(200);
      expect(response.body.trackingId).toBe(response.headers['x-tracking-id']);
      expect(response.body.fromService).toBe(response.headers['x-tracking-id']);
    });

    it('should continue a valid traceparent and never trust a client X-Tracking-ID', async () => {
      const response = await request(app.getHttpServer())
        .get('/items/7')
        .set('traceparent', `00-${PARENT}-00f067aa0ba902b7-01`)
        .set('x-tracking-id', 'attacker-chosen')
        .expect(200);
      expect(response.headers['x-tracking-id']).toBe(PARENT);
    });

    it('should keep concurrent requests apart', async () => {
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => request(app.getHttpServer()).get(`/items/${i}`)));
      const ids = responses.map((response) => response.headers['x-tracking-id']);
      expect(new Set(ids).size).toBe(20);
      for (const response of responses) expect(response.body.fromService).toBe(response.headers['x-tracking-id']);
    });
  });

  describe('without tracing', () => {
    let middleware: jest.SpyInstance;
    beforeEach(async () => {
      middleware = jest.spyOn(TrackingIdMiddleware.prototype, 'use');
      tracing = InMemoryTracing.start();
      await tracing.stop(); // no provider: no spans at all
      app = await createApp();
    });
    afterEach(() => middleware.mockRestore());

    it('should leave the id to the request pipeline, which runs each request in its store: no middleware on the way', async () => {
      const response = await request(app.getHttpServer()).get('/items/1').expect(200);
      expect(response.body.fromService).toBe(response.headers['x-tracking-id']);
      expect(middleware).not.toHaveBeenCalled();
    });

    it('should still return a fresh tracking id and hand it to business code', async () => {
      const [first, second] = await Promise.all([
        request(app.getHttpServer()).get('/items/1'),
        request(app.getHttpServer()).get('/items/2'),
      ]);
      expect(first.headers['x-tracking-id']).toMatch(TRACE_ID);
      expect(first.headers['x-tracking-id']).not.toBe(second.headers['x-tracking-id']);
      expect(first.body.fromService).toBe(first.headers['x-tracking-id']);
      expect(first.body.trackingId).toBe(first.headers['x-tracking-id']);
      // Read inside the handler: the id came from the untraced path, not from a span.
      expect(first.body.spanActive).toBe(false);
    });

    it('should take the trace id of a valid traceparent', async () => {
      const response = await request(app.getHttpServer()).get('/items/1').set('traceparent', `00-${PARENT}-00f067aa0ba902b7-01`);
      expect(response.headers['x-tracking-id']).toBe(PARENT);
    });

    it.each([
      ['garbage', 'not-a-traceparent'],
      ['a forged log line', '00-abc\\n{"@level":"INFO","@message":"forged"}'],
      ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
      ['an oversized value', `00-${'a'.repeat(10_000)}-00f067aa0ba902b7-01`],
    ])('should ignore %s and start a new id', async (_case, traceparent) => {
      const response = await request(app.getHttpServer()).get('/items/1').set('traceparent', traceparent).expect(200);
      expect(response.headers['x-tracking-id']).toMatch(TRACE_ID);
      expect(response.headers['x-tracking-id']).not.toBe('00000000000000000000000000000000');
    });
  });

  describe('without tracing, where the request pipeline does not wrap the server (instrumentations.http off)', () => {
    let middleware: jest.SpyInstance;
    beforeEach(async () => {
      middleware = jest.spyOn(TrackingIdMiddleware.prototype, 'use');
      tracing = InMemoryTracing.start();
      await tracing.stop();
      app = await createApp({ instrumentations: { http: false } });
    });
    afterEach(() => middleware.mockRestore());

    it('should hand business code the id through the middleware', async () => {
      const [first, second] = await Promise.all([request(app.getHttpServer()).get('/items/1'), request(app.getHttpServer()).get('/items/2')]);
      expect(first.headers['x-tracking-id']).toMatch(TRACE_ID);
      expect(first.headers['x-tracking-id']).not.toBe(second.headers['x-tracking-id']);
      expect(first.body.fromService).toBe(first.headers['x-tracking-id']);
      expect(second.body.trackingId).toBe(second.headers['x-tracking-id']);
      expect(middleware).toHaveBeenCalledTimes(2);
    });
  });
});
