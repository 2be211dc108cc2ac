import { resolveAppOptions } from './module-options.resolver';

describe('resolveAppOptions: readable logs by default where a developer reads them', () => {
  const wasTty = process.stdout.isTTY;
  const setTty = (value: boolean) => Object.defineProperty(process.stdout, 'isTTY', { value, configurable: true, writable: true });
  afterEach(() => {
    setTty(wasTty);
    delete process.env.LOG_PRETTY;
  });

  it('should pretty-print in dev on a terminal (pino-pretty installed), and write JSON anywhere else', () => {
    setTty(true);
    expect(resolveAppOptions({}, 'dev').logging.pretty).toBe(true);
    expect(resolveAppOptions({}, 'staging').logging.pretty).toBe(false);
    expect(resolveAppOptions({}, 'prod').logging.pretty).toBe(false);
    setTty(false);
    expect(resolveAppOptions({}, 'dev').logging.pretty).toBe(false);
  });

  it('should let LOG_PRETTY and the option decide over the default', () => {
    setTty(true);
    process.env.LOG_PRETTY = 'false';
    expect(resolveAppOptions({}, 'dev').logging.pretty).toBe(false);
    expect(resolveAppOptions({ logging: { pretty: true } }, 'dev').logging.pretty).toBe(true);
    setTty(false);
    process.env.LOG_PRETTY = 'true';
    expect(resolveAppOptions({}, 'prod').logging.pretty).toBe(true);
    expect(resolveAppOptions({ logging: { pretty: false } }, 'prod').logging.pretty).toBe(false);
  });
});
