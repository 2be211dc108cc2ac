import { Controller, Get, Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { AlwaysOnSampler, SamplingDecision, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace';
import { suppressTracing } from '@opentelemetry/core';
import request from 'supertest';
import { InMemoryTracing } from '../testing/in-memory-tracing';
import { MemoryLogDestination } from '../testing/memory-log-destination';
import { resetNestjsPinoForTests } from '../testing/reset-logger';
import { TelemetryModule } from '../telemetry.module';
import { createSampler, RuleBasedSampler, samplerReadsAttributes } from './rule-based.sampler';
import { PooledRandomIdGenerator } from './pooled-random-id-generator';
import { resolveSdkOptions } from '../options/sdk-options.resolver';
import type { TelemetrySdkOptions } from '../interfaces/telemetry-sdk-options.interface';

@Controller()
class CheckoutController {
  private readonly logger = new Logger(CheckoutController.name);

  @Get('api/checkout/pay')
  pay(): { paid: true } {
    return { paid: true };
  }

  @Get('api/items')
  items(): string[] {
    return ['a'];
  }

  @Get('api/items/broken')
  broken(): { ok: false } {
    this.logger.error('item lookup failed');
    return { ok: false };
  }
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = (flags: '00' | '01') => `00-${TRACE_ID}-00f067aa0ba902b7-${flags}`;

describe('head sampling', () => {
  let tracing: InMemoryTracing;
  let app: INestApplication;
  let logs: MemoryLogDestination;

  beforeEach(async () => {
    // Nothing is sampled by ratio: whatever is recorded, a rule or a parent chose.
    tracing = InMemoryTracing.start({
      serviceName: 'shop',
      sampler: { ratio: 0, alwaysSample: [{ header: 'X-User-Segment', value: /^(vip|staff)$/ }, { path: '/api/checkout/*' }] },
    });
    resetNestjsPinoForTests();
    logs = new MemoryLogDestination();
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot({ logging: { level: 'info', destination: logs } })],
      controllers: [CheckoutController],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterEach(async () => {
    await app.close();
    await tracing.stop();
  });

  // As a first caller would: supertest's own (unsampled) CLIENT span would otherwise be the parent that decides.
  const send = (test: request.Test) => context.with(suppressTracing(ROOT_CONTEXT), () => test.then((response) => response));
  const get = (path: string) => request(app.getHttpServer()).get(path);
  const serverSpans = () => tracing.spans().filter((span) => span.kind === SpanKind.SERVER);

  it('should always record a request matching a header rule, and no other at ratio 0', async () => {
    expect((await send(get('/api/items').set('x-user-segment', 'vip'))).status).toBe(200);
    expect((await send(get('/api/items').set('x-user-segment', 'regular'))).status).toBe(200);
    expect((await send(get('/api/items'))).status).toBe(200);
    expect(serverSpans()).toHaveLength(1);
    expect(serverSpans()[0].attributes['http.request.header.x-user-segment']).toEqual(['vip']);
  });

  it('should always record a request on a path rule', async () => {
    expect((await send(get('/api/checkout/pay'))).status).toBe(200);
    expect(serverSpans().map((span) => span.name)).toEqual(['GET /api/checkout/pay']);
  });

  it("should follow the caller's decision for a continued trace, rules or not", async () => {
    expect((await send(get('/api/items').set('traceparent', traceparent('01')))).status).toBe(200);
    expect((await send(get('/api/checkout/pay').set('traceparent', traceparent('00')).set('x-user-segment', 'vip'))).status).toBe(200);
    expect(serverSpans()).toHaveLength(1);
    expect(serverSpans()[0].name).toBe('GET /api/items');
    expect(serverSpans()[0].spanContext().traceId).toBe(TRACE_ID);
  });

  it('should keep the tracking id of an unsampled request in its response and its ERROR log line', async () => {
    const response = await send(get('/api/items/broken'));
    expect(response.status).toBe(200);
    expect(serverSpans()).toHaveLength(0);
    const trackingId = response.headers['x-tracking-id'];
    expect(trackingId).toMatch(/^[0-9a-f]{32}$/);
    const errorLine = logs.lines().find((line) => line['@message'] === 'item lookup failed');
    expect(errorLine).toMatchObject({ '@level': 'ERROR', tracking_id: trackingId, tracing: { trace_id: trackingId } });
    // The access line too: the id finds every line of the request even without its trace.
    expect(logs.lines().filter((line) => line.tracking_id === trackingId).length).toBeGreaterThanOrEqual(2);
  });
});

describe('RuleBasedSampler', () => {
  const never = new TraceIdRatioBasedSampler(0);
  const decide = (sampler: RuleBasedSampler, attributes: Record<string, unknown>) =>
    context.with(ROOT_CONTEXT, () => sampler.shouldSample(ROOT_CONTEXT, TRACE_ID, 'GET', SpanKind.SERVER, attributes as never, []).decision);

  it('should match attribute rules by presence, equality or RegExp, and leave the rest to its fallback', () => {
    const sampler = new RuleBasedSampler([{ attribute: 'user.vip' }, { attribute: 'tenant.tier', value: 'gold' }, { header: 'x-debug', value: /^1$/g }], never);
    expect(decide(sampler, { 'user.vip': true })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, { 'tenant.tier': 'gold' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, { 'tenant.tier': 'silver' })).toBe(SamplingDecision.NOT_RECORD);
    // A global RegExp keeps no state from one decision to the next.
    for (let i = 0; i < 3; i++) expect(decide(sampler, { 'http.request.header.x-debug': ['1'] })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, {})).toBe(SamplingDecision.NOT_RECORD);
  });
});

describe('samplerReadsAttributes', () => {
  it("should say which samplers may decide on attributes: rules and samplers of the user's own, not the ratio", () => {
    const resolved = (sampler: TelemetrySdkOptions['sampler']) => resolveSdkOptions({ sampler }).sampling;
    expect(samplerReadsAttributes(resolved(undefined))).toBe(false);
    expect(samplerReadsAttributes(resolved({ ratio: 0.5 }))).toBe(false);
    expect(samplerReadsAttributes(resolved({ ratio: 0.5, alwaysSample: [{ path: '/api/checkout/*' }] }))).toBe(true);
    expect(samplerReadsAttributes(resolved(new AlwaysOnSampler()))).toBe(true);
  });
});

describe('createSampler', () => {
  const resolved = (sampler: TelemetrySdkOptions['sampler']) => resolveSdkOptions({ sampler }).sampling;
  const ids = new PooledRandomIdGenerator();
  const traceIds = Array.from({ length: 2_000 }, () => ids.generateTraceId());
  const decisions = (sampler: Sampler, parent = ROOT_CONTEXT) =>
    traceIds.map((traceId) => sampler.shouldSample(parent, traceId, 'GET', SpanKind.SERVER, {}, []).decision);

  it('should decide every trace id as the ratio sampler does, at a ratio of 1, 0 or between', () => {
    for (const ratio of [1, 0, 0.25, 0.5]) {
      const expected = decisions(new TraceIdRatioBasedSampler(ratio));
      expect(decisions(createSampler(resolved({ ratio, parentBased: false })))).toEqual(expected);
      expect(decisions(createSampler(resolved({ ratio })))).toEqual(expected);
    }
    // The ratio between is really applied: some sampled, some not.
    expect(new Set(decisions(createSampler(resolved({ ratio: 0.5 }))))).toEqual(new Set([SamplingDecision.RECORD_AND_SAMPLED, SamplingDecision.NOT_RECORD]));
  });

  it("should follow a caller's decision over a ratio of 1 or 0", () => {
    const parent = (flags: TraceFlags) => trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: flags, isRemote: true });
    expect(new Set(decisions(createSampler(resolved({ ratio: 1 })), parent(TraceFlags.NONE)))).toEqual(new Set([SamplingDecision.NOT_RECORD]));
    expect(new Set(decisions(createSampler(resolved({ ratio: 0 })), parent(TraceFlags.SAMPLED)))).toEqual(new Set([SamplingDecision.RECORD_AND_SAMPLED]));
  });
});
