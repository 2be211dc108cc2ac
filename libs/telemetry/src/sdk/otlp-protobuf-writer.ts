/**
 * Protobuf wire encoding into one reusable buffer, for the OTLP trace encoder. Every
 * nested message reserves one byte for its length and moves its body when the length
 * needs more (as the OpenTelemetry serializer does), so no size-estimation pass is needed;
 * a string is checked for ASCII while it is copied, in one pass.
 * @internal
 */
export class ProtobufWriter {
  buffer: Buffer = Buffer.allocUnsafe(64 * 1024);
  pos = 0;

  /** A copy of what was written (the buffer is reused by the next message). */
  finish(): Uint8Array {
    const bytes = Buffer.allocUnsafe(this.pos);
    this.buffer.copy(bytes, 0, 0, this.pos);
    this.pos = 0;
    return bytes;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  varint(value: number): void {
    this.ensure(10);
    const buffer = this.buffer;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 127) {
        buffer[this.pos++] = (v & 127) | 128;
        v >>>= 7;
      }
      buffer[this.pos++] = v;
      return;
    }
    // Beyond 32 bits, and negative numbers as ten-byte two's complement.
    const magnitude = Math.abs(value);
    let low = magnitude >>> 0;
    let high = (magnitude / 4294967296) >>> 0;
    if (value < 0) {
      low = ~low >>> 0;
      high = ~high >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 127) {
      buffer[this.pos++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buffer[this.pos++] = low & 127;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.buffer.writeUInt32LE(low >>> 0, this.pos);
    this.buffer.writeUInt32LE(high >>> 0, this.pos + 4);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
  }

  /** Bytes already encoded elsewhere (spans encoded as they ended), copied as they are. */
  raw(source: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    this.buffer.set(source.subarray(start, end), this.pos);
    this.pos += end - start;
  }

  /** A few bytes encoded before (a remembered KeyValue), copied byte by byte: cheaper than `set` on a view at this size. */
  copy(bytes: Uint8Array): void {
    const length = bytes.length;
    this.ensure(length);
    const buffer = this.buffer;
    let pos = this.pos;
    for (let index = 0; index < length; index++) buffer[pos++] = bytes[index];
    this.pos = pos;
  }

  /** A lowercase or uppercase hex id as its bytes (trace and span ids). */
  hex(value: string): void {
    const length = value.length >>> 1;
    this.varint(length);
    this.ensure(length);
    const buffer = this.buffer;
    for (let index = 0; index < length; index++) {
      buffer[this.pos++] = (nibble(value.charCodeAt(2 * index)) << 4) | nibble(value.charCodeAt(2 * index + 1));
    }
  }

  string(value: string): void {
    const length = value.length;
    // Optimistically ASCII: the length is the byte count, copied in the same pass as the check.
    if (length < 128) {
      this.ensure(length + 1);
      const buffer = this.buffer;
      const start = this.pos;
      buffer[start] = length;
      let pos = start + 1;
      for (let index = 0; index < length; index++) {
        const code = value.charCodeAt(index);
        if (code > 127) {
          pos = -1;
          break;
        }
        buffer[pos++] = code;
      }
      if (pos !== -1) {
        this.pos = pos;
        return;
      }
    }
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.varint(byteLength);
    this.ensure(byteLength);
    this.pos += this.buffer.write(value, this.pos, byteLength, 'utf8');
  }

  /**
   * Reserves the length of a nested message, `reserved` bytes for it (1 by default: up to
   * 127 bytes of body); `finishMessage(start, reserved)` writes it once the body is. The
   * body moves only when its length takes another number of bytes: a span (about 400
   * bytes) reserves 2, since `copyWithin` is a call into V8's C++ runtime.
   */
  startMessage(reserved = 1): number {
    this.ensure(reserved);
    const start = this.pos;
    this.pos += reserved;
    return start;
  }

  finishMessage(start: number, reserved = 1): void {
    const length = this.pos - start - reserved;
    let size = 1;
    for (let rest = length >>> 7; rest > 0; rest >>>= 7) size++;
    if (size !== reserved) {
      this.ensure(size - reserved);
      this.buffer.copyWithin(start + size, start + reserved, this.pos);
      this.pos += size - reserved;
    }
    let v = length;
    let at = start;
    while (v > 127) {
      this.buffer[at++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buffer[at] = v;
  }

  private ensure(size: number): void {
    if (this.pos + size <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.pos + size) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }
}

function nibble(code: number): number {
  // 0-9, a-f, A-F (the W3C ids are lowercase; the SDK accepts either).
  return code <= 57 ? code - 48 : (code | 32) - 87;
}
