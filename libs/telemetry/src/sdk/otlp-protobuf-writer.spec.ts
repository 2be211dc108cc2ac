import { ProtobufWriter } from './otlp-protobuf-writer';

/** A length-delimited body as protobuf frames it: the shortest varint of its length, then the body. */
function framed(body: Buffer): Buffer {
  const length: number[] = [];
  let rest = body.length;
  while (rest > 127) {
    length.push((rest & 127) | 128);
    rest >>>= 7;
  }
  length.push(rest);
  return Buffer.concat([Buffer.from(length), body]);
}

describe('ProtobufWriter nested messages', () => {
  // Bodies whose length takes one, two and three varint bytes, around each boundary.
  const sizes = [0, 1, 127, 128, 200, 16383, 16384, 70000];

  for (const reserved of [1, 2]) {
    it(`should frame each body with its shortest length, whatever it reserved (${reserved} byte${reserved > 1 ? 's' : ''})`, () => {
      for (const size of sizes) {
        const body = Buffer.alloc(size, 0x61 + (size % 26));
        const writer = new ProtobufWriter();
        writer.tag(1, 2);
        const start = writer.startMessage(reserved);
        writer.raw(body, 0, body.length);
        writer.finishMessage(start, reserved);
        // Something after the message lands right after it.
        writer.tag(2, 0);
        writer.varint(7);
        expect(Buffer.from(writer.finish())).toEqual(Buffer.concat([Buffer.from([0x0a]), framed(body), Buffer.from([0x10, 7])]));
      }
    });
  }

  it('should frame nested messages inside one another', () => {
    const writer = new ProtobufWriter();
    const outer = writer.startMessage(2);
    const inner = writer.startMessage();
    writer.raw(Buffer.alloc(300, 1), 0, 300);
    writer.finishMessage(inner);
    writer.finishMessage(outer, 2);
    expect(Buffer.from(writer.finish())).toEqual(framed(framed(Buffer.alloc(300, 1))));
  });
});
