// The benchmarked app: one JSON route with a path parameter, with or without telemetry.
//   node bench/app.js baseline|telemetry|sdk-only|module-only|noop-interceptor <port> [otlp endpoint] [options JSON]
'use strict';
const [mode, port, endpoint, extraOptions] = process.argv.slice(2);
const telemetryOptions = { serviceName: 'bench', samplingRatio: 1, otlpEndpoint: endpoint, ...JSON.parse(extraOptions || '{}') };

if (mode === 'telemetry' || mode === 'sdk-only') require('nest-telemetry/sdk').startTelemetry(telemetryOptions);

const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

class ItemsController {
  get(id) {
    return { id, name: `item ${id}`, tags: ['a', 'b'] };
  }
}
Controller('api/v1/items')(ItemsController);
Param('id')(ItemsController.prototype, 'get', 0);
Get(':id')(ItemsController.prototype, 'get', Object.getOwnPropertyDescriptor(ItemsController.prototype, 'get'));

class AppModule {}
const imports = mode === 'telemetry' || mode === 'module-only' ? [require('nest-telemetry').TelemetryModule.forRoot(telemetryOptions)] : [];
// 'noop-interceptor': the cost of Nest's interceptor pipeline alone, for comparison.
class NoopInterceptor {
  intercept(_context, next) {
    return next.handle();
  }
}
const providers = mode === 'noop-interceptor' ? [{ provide: require('@nestjs/core').APP_INTERCEPTOR, useClass: NoopInterceptor }] : [];
Module({ imports, controllers: [ItemsController], providers })(AppModule);

// Lets a profiler (--cpu-prof) write its file: a plain exit, no shutdown hooks.
process.on('SIGUSR2', () => process.exit(0));

(async () => {
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(Number(port), '127.0.0.1');
  process.send?.('ready');
})();
