import { KeyValueMemo } from './key-value-memo';
import { ProtobufWriter } from './otlp-protobuf-writer';

/** Writes `key` = `value` through the memo (a placeholder for the KeyValue's bytes); returns whether the memo copied remembered bytes. */
function write(memo: KeyValueMemo, writer: ProtobufWriter, key: string, value: string): boolean {
  return memo.write(writer, key, value, (out, k, v) => out.string(`${k}=${v}`));
}

describe('KeyValueMemo', () => {
  it('should copy the bytes of a value written before under the same key, and only of that value', () => {
    const memo = new KeyValueMemo();
    const writer = new ProtobufWriter();
    expect(write(memo, writer, 'method', 'GET')).toBe(false);
    const first = Buffer.from(writer.finish());
    expect(write(memo, writer, 'method', 'GET')).toBe(true);
    expect(Buffer.from(writer.finish())).toEqual(first);
    expect(write(memo, writer, 'method', 'POST')).toBe(false);
    expect(write(memo, writer, 'other', 'GET')).toBe(false);
  });

  it('should keep copies, not views of the reused buffer', () => {
    const memo = new KeyValueMemo();
    const writer = new ProtobufWriter();
    write(memo, writer, 'k', 'v');
    const bytes = Buffer.from(writer.finish());
    writer.string('something else entirely');
    writer.finish();
    write(memo, writer, 'k', 'v');
    expect(Buffer.from(writer.finish())).toEqual(bytes);
  });

  it('should stop taking new values of a key that changes more than it repeats, and take them again once it repeats', () => {
    const memo = new KeyValueMemo();
    const writer = new ProtobufWriter();
    for (let index = 0; index < 20; index++) write(memo, writer, 'url.path', `/items/${index}`);
    // The last value written was not kept (nor copied): written again, it is encoded again.
    expect(write(memo, writer, 'url.path', '/items/19')).toBe(false);
    expect(write(memo, writer, 'url.path', '/items/19')).toBe(false);
    // A key that repeats more than it changes follows its value.
    const status = new KeyValueMemo();
    for (let index = 0; index < 5; index++) write(status, writer, 'status', '200');
    write(status, writer, 'status', '404');
    expect(write(status, writer, 'status', '404')).toBe(true);
  });

  it('should not compare the next 256 values of a key that changes more than it repeats, then look again', () => {
    const memo = new KeyValueMemo();
    const writer = new ProtobufWriter();
    write(memo, writer, 'tracking.id', 'a');
    write(memo, writer, 'tracking.id', 'b');
    write(memo, writer, 'tracking.id', 'c');
    // The third value in a row retired the key with 'b' kept; 'b' is still encoded again, not copied, for 256 writes.
    let copied = 0;
    for (let index = 0; index < 256; index++) if (write(memo, writer, 'tracking.id', 'b')) copied++;
    expect(copied).toBe(0);
    // Then the key's value is compared again: 'b' is the kept one.
    expect(write(memo, writer, 'tracking.id', 'b')).toBe(true);
  });

  it('should remember at most 512 keys', () => {
    const memo = new KeyValueMemo();
    const writer = new ProtobufWriter();
    for (let index = 0; index < 600; index++) write(memo, writer, `key.${index}`, 'v');
    expect(write(memo, writer, 'key.511', 'v')).toBe(true);
    expect(write(memo, writer, 'key.512', 'v')).toBe(false);
  });
});
