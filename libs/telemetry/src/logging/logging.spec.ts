import { Controller, Get, Injectable, InternalServerErrorException, Logger, Param, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanStatusCode } from '@opentelemetry/api';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import request from 'supertest';
import { InMemoryTracing } from '../testing/in-memory-tracing';
import { MemoryLogDestination } from '../testing/memory-log-destination';
import { resetNestjsPinoForTests } from '../testing/reset-logger';
import { TelemetryModule } from '../telemetry.module';
import { Traced } from '../tracing/traced.decorator';
import type { TelemetryLoggingOptions } from '../interfaces/telemetry-module-options.interface';
import { countFields } from './field-cap';
import type { TelemetryLogger } from './logger.factory';
import { TELEMETRY_LOGGER } from './logging.constants';

@Injectable()
class OrdersRepository {
  constructor(@InjectPinoLogger(OrdersRepository.name) private readonly logger: PinoLogger) {}

  @Traced()
  async find(id: string): Promise<{ id: string }> {
    await new Promise((resolve) => setTimeout(resolve, Number(id) % 7));
    this.logger.info({ order_id: id, user_id: `u-${id}`, workflow_status: 'running' }, `order ${id} loaded`);
    return { id };
  }

  @Traced()
  fail(): never {
    try {
      throw new RangeError('stock exhausted');
    } catch (error) {
      this.logger.error({ err: error }, 'reservation failed');
      throw new InternalServerErrorException('reservation failed');
    }
  }
}

@Controller('orders')
class OrdersController {
  private readonly nestLogger = new Logger(OrdersController.name);

  constructor(
    private readonly orders: OrdersRepository,
    @InjectPinoLogger(OrdersController.name) private readonly logger: PinoLogger,
  ) {}

  @Get('fail/now')
  fail(): never {
    return this.orders.fail();
  }

  @Get('wide/object')
  wide(): { ok: true } {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) wide[`field_${i}`] = i;
    this.nestLogger.log({ message: 'wide object', wide, user: { id: 'u-1' } });
    return { ok: true };
  }

  @Get('assign/fields')
  assign(): { ok: true } {
    this.logger.assign({ order_source: 'web' });
    this.logger.info('assigned');
    return { ok: true };
  }

  @Get('assign/secrets')
  assignSecrets(): { ok: true } {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 1500; i++) wide[`bound_${i}`] = i;
    this.logger.assign({ password: 'hunter2', email: 'a@b.c', userId: 'u-9', ...wide });
    this.logger.info({ step: 'after assign' }, 'assigned secrets');
    return { ok: true };
  }

  @Get('circular/object')
  circular(): { ok: true } {
    const order: Record<string, unknown> = { id: 'o-1' };
    order.self = order;
    this.logger.info({ order }, 'circular');
    return { ok: true };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.orders.find(id);
  }
}

/** Gives tests the app's PinoLogger, as a provider would get it. */
@Injectable()
class PinoLoggerHolder {
  constructor(readonly logger: PinoLogger) {}
}

/** Sends bytes as they are, which an HTTP client library would refuse to send. */
async function rawRequest(app: INestApplication, payload: string): Promise<string> {
  const server = app.getHttpServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(payload));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const REQUIRED = ['@timestamp', '@level', '@message', 'service'];
const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('structured logs', () => {
  let tracing: InMemoryTracing;
  let app: INestApplication;
  let logs: MemoryLogDestination;

  async function start(logging: TelemetryLoggingOptions = {}): Promise<void> {
    resetNestjsPinoForTests();
    logs = new MemoryLogDestination();
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ serviceName: 'orders', logging: { level: 'debug', destination: logs, ...logging } })],
      controllers: [OrdersController],
      providers: [OrdersRepository, PinoLoggerHolder],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  }

  beforeEach(() => (tracing = InMemoryTracing.start({ serviceName: 'orders' })));
  afterEach(async () => {
    await app.close();
    await tracing.stop();
  });

  const accessLines = () => logs.lines().filter((line) => line.request !== undefined && line.response !== undefined);

  it('should write every line as one JSON object with the required fields', async () => {
    await start();
    await request(app.getHttpServer()).get('/orders/7').expect(200);
    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      for (const field of REQUIRED) expect(line).toHaveProperty([field]);
      expect(line['@timestamp']).toMatch(ISO_MS_UTC);
      expect(['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']).toContain(line['@level']);
      expect(line.service).toBe('orders');
    }
  });

  it('should carry the same tracking id in the access line, in a provider line and in X-Tracking-ID', async () => {
    await start();
    const response = await request(app.getHttpServer()).get('/orders/7').expect(200);
    const trackingId = response.headers['x-tracking-id'];
    const provider = logs.lines().find((line) => line['@message'] === 'order 7 loaded')!;
    const [access] = accessLines();
    expect(provider.tracking_id).toBe(trackingId);
    expect(access.tracking_id).toBe(trackingId);
    // The provider line was written inside the @Traced() span: its own span id.
    const repositorySpan = tracing.span('OrdersRepository.find');
    expect(provider.tracing).toEqual({ trace_id: trackingId, span_id: repositorySpan.spanContext().spanId });
    // Flat keys land in their groups.
    expect(provider.user).toEqual({ id: 'u-7' });
    expect(provider.workflow).toEqual({ status: 'running' });
    expect(provider.source).toEqual({ module: 'OrdersRepository' });
    expect(provider).not.toHaveProperty('user_id');
  });

  it('should write one access line per request with the request and response groups', async () => {
    await start();
    await request(app.getHttpServer()).get('/orders/42?debug=1').set('user-agent', 'jest-agent').expect(200);
    await request(app.getHttpServer()).get('/nowhere').expect(404);
    const [ok, missing] = accessLines();
    expect(ok).toMatchObject({
      '@level': 'INFO',
      '@message': 'GET /orders/42 200',
      request: { method: 'GET', path: '/orders/42', route: '/orders/:id', user_agent: 'jest-agent' },
      response: { status: 200, content_type: 'application/json; charset=utf-8' },
    });
    expect((ok.request as { duration: number }).duration).toBeGreaterThan(0);
    expect((ok.request as { ip: string }).ip).toMatch(/127\.0\.0\.1/);
    expect((ok.response as { size: number }).size).toBeGreaterThan(0);
    expect(missing).toMatchObject({ '@level': 'WARN', '@message': 'GET /nowhere 404', response: { status: 404 } });
    expect(accessLines()).toHaveLength(2);
  });

  it('should never leak a tracking id into another concurrent request', async () => {
    await start();
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => request(app.getHttpServer()).get(`/orders/${i}`)));
    const lines = logs.lines();
    for (const [i, response] of responses.entries()) {
      const line = lines.find((l) => l['@message'] === `order ${i} loaded`)!;
      expect(line.tracking_id).toBe(response.headers['x-tracking-id']);
    }
    expect(new Set(responses.map((r) => r.headers['x-tracking-id'])).size).toBe(30);
  });

  it('should have no tracking id outside a request', async () => {
    await start();
    const startup = logs.lines().find((line) => line['@message'] === 'Nest application successfully started');
    expect(startup).toBeDefined();
    expect(startup).not.toHaveProperty('tracking_id');
    expect(startup).not.toHaveProperty('tracing');
  });

  it('should turn an ERROR log into a span event, record the exception and set status ERROR', async () => {
    await start();
    const response = await request(app.getHttpServer()).get('/orders/fail/now').expect(500);
    const span = tracing.span('OrdersRepository.fail');
    const event = span.events.find((e) => e.name === 'error_log')!;
    expect(event.attributes).toEqual({
      'log.level': 'ERROR',
      'log.message': 'reservation failed',
      'log.logger': 'OrdersRepository',
      'tracking.id': response.headers['x-tracking-id'],
      'error.type': 'RangeError',
    });
    expect(span.events.some((e) => e.name === 'exception' && e.attributes?.['exception.type'] === 'RangeError')).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);

    const line = logs.lines().find((l) => l['@message'] === 'reservation failed')!;
    expect(line['@level']).toBe('ERROR');
    expect(line.error).toEqual({ type: 'RangeError', message: 'stock exhausted' });
    expect(line.exception).toMatchObject({ class: 'RangeError', file: expect.stringContaining('logging.spec.ts'), line: expect.any(Number) });
    expect((line.exception as { stack_trace: string }).stack_trace).toContain('RangeError: stock exhausted');
    // The access line of the 500 is an ERROR too, on the server span.
    expect(accessLines()[0]['@level']).toBe('ERROR');
    // The server span's error.type names the class the handler threw, not only the status.
    expect(tracing.span('GET /orders/fail/now').attributes['error.type']).toBe('InternalServerErrorException');
  });

  it('should keep a line with a 5,000-field object under 900 fields, essentials first, with a marker', async () => {
    await start();
    const response = await request(app.getHttpServer()).get('/orders/wide/object').expect(200);
    const raw = logs.raw().find((l) => l.includes('"wide object"'))!;
    const line = JSON.parse(raw) as Record<string, unknown>;
    expect(countFields(line)).toBeLessThanOrEqual(900);
    expect(line.tracking_id).toBe(response.headers['x-tracking-id']);
    expect(line.tracing).toBeDefined();
    for (const field of REQUIRED) expect(line).toHaveProperty([field]);
    const kept = Object.keys((line.wide as Record<string, number>) ?? {}).length;
    // Everything not kept is counted: the rest of `wide`, and the groups after it that no longer fit.
    const droppedGroups = (line.user ? 0 : 1) + (line.source ? 0 : 1);
    expect(line._dropped_fields).toBe(5000 - kept + droppedGroups);
    expect(kept).toBeGreaterThan(800);
  });

  it('should keep hostile header values inside one JSON line', async () => {
    await start();
    const forged = '"}\n{"@level":"INFO","@message":"forged"}';
    // A header with a line break never reaches the app: node answers 400 itself.
    const raw = await rawRequest(app, `GET /orders/1 HTTP/1.1\r\nHost: x\r\nUser-Agent: a\n{"@level":"INFO"}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    // Without the line break it does, and is written as a JSON string.
    const agent = 'x"}{"@level":"INFO","@message":"forged"} \\u000a';
    await request(app.getHttpServer()).get('/orders/1').set('user-agent', agent).expect(200);
    const logger = app.get(PinoLoggerHolder).logger;
    logger.info({ request: { user_agent: forged } }, 'direct');
    const rawLines = logs.raw();
    expect(() => logs.lines()).not.toThrow();
    expect(logs.lines().filter((line) => line['@message'] === 'forged')).toHaveLength(0);
    expect((accessLines()[0].request as { user_agent: string }).user_agent).toBe(agent);
    expect(rawLines.filter((line) => line.includes('"direct"'))).toHaveLength(1);
    expect((logs.lines().find((line) => line['@message'] === 'direct')!.request as { user_agent: string }).user_agent).toBe(forged);
  });

  it('should respect the level: lines below it are not written, lines at it are', async () => {
    await start({ level: 'warn' });
    await request(app.getHttpServer()).get('/orders/1').expect(200); // INFO lines only
    await request(app.getHttpServer()).get('/orders/nowhere/at/all').expect(404); // a WARN access line
    const levels = logs.lines().map((line) => line['@level']);
    expect(levels).toContain('WARN');
    expect(levels.filter((level) => !['WARN', 'ERROR', 'FATAL'].includes(level as string))).toEqual([]);
  });

  it('should write a line with a circular reference and never fail the request', async () => {
    await start();
    const response = await request(app.getHttpServer()).get('/orders/circular/object').expect(200);
    const line = logs.lines().find((l) => l['@message'] === 'circular');
    expect(line).toMatchObject({ tracking_id: response.headers['x-tracking-id'], order: { id: 'o-1', self: '[Circular]' } });
    expect(JSON.stringify(line).length).toBeLessThan(1000);
  });

  it('should fall back to a minimal line when the fields cannot be read, and never throw to the caller', async () => {
    await start();
    const { logger } = app.get<TelemetryLogger>(TELEMETRY_LOGGER);
    const hostile = Object.defineProperty({}, 'user_id', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    await request(app.getHttpServer()).get('/orders/1').expect(200);
    expect(() => logger.info(hostile, 'hostile')).not.toThrow();
    expect(() => logger.error(hostile, 'hostile error')).not.toThrow();
    expect(() => logger.child(hostile).info('hostile child')).not.toThrow();
    const serializerThrows = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(() => logger.child(serializerThrows).info('hostile proxy child')).not.toThrow();
    const lines = logs.lines().filter((l) => String(l['@message']).startsWith('hostile'));
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatchObject({ _format_error: { type: 'Error' }, service: 'orders' });
  });

  it('should write a secret nested past the redaction depth as [Truncated], never in clear', async () => {
    await start();
    const logger = app.get(PinoLoggerHolder).logger;
    let deep: Record<string, unknown> = { password: 'hunter2-deep', note: 'visible' };
    for (let i = 0; i < 20; i++) deep = { level: deep };
    logger.info({ deep }, 'deep secret');
    const raw = logs.raw().find((l) => l.includes('deep secret'))!;
    expect(raw).not.toContain('hunter2-deep');
    expect(raw).toContain('[Truncated]');
  });

  it('should bind assign() fields per request with requestContext, and keep the tracking id without it (the default)', async () => {
    await start({ requestContext: true });
    await request(app.getHttpServer()).get('/orders/assign/fields').expect(200);
    expect(logs.lines().find((line) => line['@message'] === 'assigned')).toMatchObject({ order_source: 'web' });
    await app.close();

    await start();
    const response = await request(app.getHttpServer()).get('/orders/7').expect(200);
    expect(logs.lines().find((line) => line['@message'] === 'order 7 loaded')).toMatchObject({ tracking_id: response.headers['x-tracking-id'] });
    // assign() is what needs the per-request logger: nestjs-pino refuses it outside one.
    await request(app.getHttpServer()).get('/orders/assign/fields').expect(500);
  });

  it('should group, redact and cap the fields bound with assign(), as it does a line\'s own', async () => {
    await start({ requestContext: true });
    const response = await request(app.getHttpServer()).get('/orders/assign/secrets').expect(200);
    const raw = logs.raw().find((l) => l.includes('"assigned secrets"'))!;
    expect(raw).not.toContain('hunter2');
    expect(raw).not.toContain('a@b.c');
    const line = JSON.parse(raw) as Record<string, unknown>;
    expect(line).toMatchObject({ password: '[REDACTED]', email: '[REDACTED]', user: { id: 'u-9' }, step: 'after assign' });
    expect(line).not.toHaveProperty('userId');
    expect(line.tracking_id).toBe(response.headers['x-tracking-id']);
    // 1,503 bound fields: the bound ones are cut to leave the line room, and the line stays under the cap.
    expect(countFields(line)).toBeLessThanOrEqual(900);
    const boundKept = Object.keys(line).filter((key) => key.startsWith('bound_')).length;
    expect(boundKept).toBeGreaterThan(700);
    expect(line._dropped_bound_fields).toBe(1500 - boundKept);
  });

  it('should shape child-logger bindings and cap a line by what its logger binds', async () => {
    await start();
    const { logger } = app.get<TelemetryLogger>(TELEMETRY_LOGGER);
    const bound: Record<string, number> = {};
    for (let i = 0; i < 500; i++) bound[`b${i}`] = i;
    const child = logger.child({ api_token: 'tok-secret', session_id: 's-1', ...bound });
    const grandchild = child.child({ client_secret: 'cs-secret', ...Object.fromEntries(Object.keys(bound).map((k) => [`g${k}`, 1])) });
    const own: Record<string, number> = {};
    for (let i = 0; i < 600; i++) own[`own_${i}`] = i;
    grandchild.info(own, 'wide child line');
    child.setBindings({ authorization: 'Bearer abc.def' });
    child.info('after setBindings');
    const raw = logs.raw().filter((l) => l.includes('wide child line') || l.includes('after setBindings'));
    expect(raw).toHaveLength(2);
    for (const text of raw) for (const secret of ['tok-secret', 'cs-secret', 'Bearer abc']) expect(text).not.toContain(secret);
    const [wide, after] = raw.map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(wide).toMatchObject({ api_token: '[REDACTED]', client_secret: '[REDACTED]', session: { id: 's-1' } });
    expect(countFields(wide)).toBeLessThanOrEqual(900);
    expect(wide._dropped_fields).toBeGreaterThan(0);
    expect(after).toMatchObject({ authorization: '[REDACTED]', api_token: '[REDACTED]' });
  });

  it('should say where each line was logged from with logging.source, through PinoLogger and Nest\'s Logger alike', async () => {
    const lineOf = (text: string) => readFileSync(__filename, 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
    await start({ source: true });
    await request(app.getHttpServer()).get('/orders/7').expect(200);
    await request(app.getHttpServer()).get('/orders/wide/object').expect(200);
    const loaded = logs.lines().find((line) => line['@message'] === 'order 7 loaded')!;
    expect(loaded.source).toEqual({ function: 'OrdersRepository.find', file: __filename, line: lineOf('`order ${id} loaded`'), module: 'OrdersRepository' });
    const wide = logs.lines().find((line) => line['@message'] === 'wide object')!;
    expect(wide.source).toMatchObject({ function: 'OrdersController.wide', file: __filename, line: lineOf("message: 'wide object'"), module: 'OrdersController' });
    // The access line is the library's own: no caller to name.
    expect(accessLines()[0].source).toBeUndefined();
    await app.close();

    await start();
    await request(app.getHttpServer()).get('/orders/7').expect(200);
    expect(logs.lines().find((line) => line['@message'] === 'order 7 loaded')!.source).toEqual({ module: 'OrdersRepository' });
  });

  it("should hand Nest's logger back when the app closes", async () => {
    await start();
    new Logger('During').log('while the app runs');
    await app.close();
    new Logger('After').log('after the app closed');
    const messages = logs.lines().map((line) => line['@message']);
    expect(messages).toContain('while the app runs');
    expect(messages).not.toContain('after the app closed');
    app = await Test.createTestingModule({}).compile().then((ref) => ref.createNestApplication().init()); // for afterEach
  });

  it('should mask client IPs when asked', async () => {
    await start({ maskIp: true });
    await request(app.getHttpServer()).get('/orders/1').expect(200);
    expect((accessLines()[0].request as { ip: string }).ip).toMatch(/\.xxx$/);
  });

  it("should log the client address as express's `trust proxy` decides it: X-Forwarded-For only when trusted", async () => {
    await start();
    const server = app.getHttpServer();
    await request(server).get('/orders/1').set('X-Forwarded-For', '203.0.113.7').expect(200);
    (app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', 'loopback');
    await request(server).get('/orders/1').set('X-Forwarded-For', '203.0.113.7').expect(200);
    await request(server).get('/orders/1').expect(200);
    expect(accessLines().map((line) => (line.request as { ip: string }).ip)).toEqual([
      expect.stringMatching(/127\.0\.0\.1$/),
      '203.0.113.7',
      expect.stringMatching(/127\.0\.0\.1$/),
    ]);
  });
});
