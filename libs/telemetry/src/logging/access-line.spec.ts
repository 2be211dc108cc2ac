import type { CompletedRequest } from '../http/http-request-observer.interface';
import { accessLineFields, secondsOfMicros } from './access-line';

/** The access line's fields and message for a request with this method and path, parsed back. */
function parsed(method: string, path: string): { path: unknown; method: unknown; message: unknown } {
  const completed = {
    request: { headers: {} },
    response: {},
    method,
    path,
    route: undefined,
    status: 200,
    aborted: false,
    errorType: undefined,
    seconds: 0.001,
    spanContext: undefined,
    trackingId: undefined,
    clientAddress: undefined,
  } as unknown as CompletedRequest;
  const { fields, messageJson } = accessLineFields(completed, { ip: undefined, requestSize: undefined, responseSize: undefined, contentType: undefined });
  const line = JSON.parse(`{${fields.slice(1)}}`) as { request: { path: unknown; method: unknown } };
  return { path: line.request.path, method: line.request.method, message: JSON.parse(messageJson) };
}

describe('accessLineFields', () => {
  it('should carry every path and method as they are, plain or in need of escaping, in its fields and its message', () => {
    const paths = [
      '',
      '/',
      '/api/v1/items/42',
      "/a b/%20/~!$&'()*+,;=:@",
      '/"quoted"',
      '/back\\slash',
      '/tab\there',
      '/line\nbreak\r',
      '/nul\u0000',
      '/del\u007f',
      '/żółw/✓',
      '/lone\ud800surrogate',
      '/pair\ud83d\ude00',
      `/${'x'.repeat(300)}`,
      `/${'x'.repeat(300)}"`,
    ];
    // Every single code unit up to 0x100, alone in a path.
    for (let code = 0; code <= 0x100; code++) paths.push(`/p${String.fromCharCode(code)}q`);
    for (const path of paths) {
      for (const method of ['GET', 'M"\\X']) {
        expect(parsed(method, path)).toEqual({ path, method, message: `${method} ${path} 200` });
      }
    }
  });
});

describe('secondsOfMicros', () => {
  it('should give the text String(micros / 1e6) gives, for every microsecond up to 3 s and beyond', () => {
    for (let micros = 0; micros <= 3_000_000; micros++) {
      if (secondsOfMicros(micros) !== String(micros / 1e6)) expect(secondsOfMicros(micros)).toBe(String(micros / 1e6));
    }
    for (const micros of [59_999_999, 3_600_000_000, 86_400_000_001, 999_999_999_999_999, 1e15, 1e21, -1, 0.5, Infinity, NaN]) {
      expect(secondsOfMicros(micros)).toBe(Number.isFinite(micros / 1e6) ? String(micros / 1e6) : 'null');
    }
  });
});
