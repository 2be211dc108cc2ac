import { pathJsonOf } from './access-line';

describe('pathJsonOf', () => {
  it('should be JSON.stringify of every path, escaped characters and all', () => {
    const paths = [
      '',
      '/',
      '/api/v1/items/42',
      '/a b/%20/~!$&\'()*+,;=:@',
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
    for (const path of paths) expect(pathJsonOf(path)).toBe(JSON.stringify(path));
  });
});
