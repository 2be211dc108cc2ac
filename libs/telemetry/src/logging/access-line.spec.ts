import type { CompletedRequest } from '../http/http-request-observer.interface';
import { accessLineFields } from './access-line';

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
