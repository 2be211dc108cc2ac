// The benchmarked app: one JSON route with a path parameter, in one telemetry configuration.
//   node bench/app.js <mode> <port> [otlp endpoint] [options JSON]
// Modes (the features each turns on):
//   bare     nothing: no SDK, no module
//   full     everything: the SDK (100 % sampling, batched OTLP/HTTP protobuf export), HTTP
//            metrics, one JSON access log line per request
//   tracing  the SDK and the module with metrics and logging off
//   metrics  the module alone (no SDK) with logging off
//   logs     the module alone (no SDK) with metrics off
//   noop-interceptor  bare plus a global interceptor that does nothing (Nest's own cost)
'use strict';
const [mode, port, endpoint, extraOptions] = process.argv.slice(2);
const MODES = {
  bare: { sdk: false, module: false },
  full: { sdk: true, module: true, metrics: true, logging: true },
  tracing: { sdk: true, module: true, metrics: false, logging: false },
  metrics: { sdk: false, module: true, metrics: true, logging: false },
  logs: { sdk: false, module: true, metrics: false, logging: true },
  'noop-interceptor': { sdk: false, module: false, interceptor: true },
};
const features = MODES[mode];
if (!features) throw new Error(`bench/app.js: unknown mode "${mode}"; one of ${Object.keys(MODES).join(', ')}`);

const telemetryOptions = {
  serviceName: 'bench',
  samplingRatio: 1,
  ...(endpoint ? { otlpEndpoint: endpoint } : {}),
  metrics: { enabled: features.metrics !== false },
  logging: { enabled: features.logging !== false, level: 'info' },
  ...JSON.parse(extraOptions || '{}'),
};
if (features.sdk) require('nest-telemetry/sdk').startTelemetry(telemetryOptions);

const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory, APP_INTERCEPTOR } = require('@nestjs/core');

class ItemsController {
  get(id) {
    return { id, name: `item ${id}`, tags: ['a', 'b'] };
  }
}
Controller('api/v1/items')(ItemsController);
Param('id')(ItemsController.prototype, 'get', 0);
Get(':id')(ItemsController.prototype, 'get', Object.getOwnPropertyDescriptor(ItemsController.prototype, 'get'));

class NoopInterceptor {
  intercept(_context, next) {
    return next.handle();
  }
}

class AppModule {}
Module({
  imports: features.module ? [require('nest-telemetry').TelemetryModule.forRoot(telemetryOptions)] : [],
  controllers: [ItemsController],
  providers: features.interceptor ? [{ provide: APP_INTERCEPTOR, useClass: NoopInterceptor }] : [],
})(AppModule);

// Time the main thread spent paused in garbage collection, young and full, for the harness.
const { PerformanceObserver, constants: perfConstants } = require('node:perf_hooks');
const gcPauses = { youngMs: 0, fullMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gcPauses.youngMs += entry.duration;
    else gcPauses.fullMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

// Lets a profiler (--cpu-prof) write its file: a plain exit, no shutdown hooks.
process.on('SIGUSR2', () => process.exit(0));
// The soak benchmark asks for the heap after a full GC (node --expose-gc).
process.on('message', (message) => {
  if (message === 'gc') return process.send({ gc: { ...gcPauses } });
  if (message !== 'memory' && message !== 'heap-snapshot') return;
  global.gc?.();
  const snapshot = message === 'heap-snapshot' ? require('node:v8').writeHeapSnapshot() : undefined;
  process.send({ memory: process.memoryUsage(), snapshot });
});

(async () => {
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(Number(port), '127.0.0.1');
  process.send?.('ready');
})();
