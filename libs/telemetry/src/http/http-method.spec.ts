import { HTTP_METHODS, httpMethodOf } from './http-method';

describe('httpMethodOf', () => {
  it('should give each method the conventions name as it is, in uppercase', () => {
    for (const method of HTTP_METHODS) expect(httpMethodOf(method)).toBe(method);
    expect(httpMethodOf('get')).toBe('GET');
    expect(httpMethodOf('Patch')).toBe('PATCH');
  });

  it('should give _OTHER for any other method, and GET for none', () => {
    expect(httpMethodOf('PROPFIND')).toBe('_OTHER');
    expect(httpMethodOf('propfind')).toBe('_OTHER');
    expect(httpMethodOf('GET ')).toBe('_OTHER');
    expect(httpMethodOf('')).toBe('_OTHER');
    expect(httpMethodOf(undefined)).toBe('GET');
  });
});
