import { compress, uncompress } from 'snappy';

// Java clients frame snappy the xerial way (snappy-java's SnappyOutputStream):
// 8-byte magic, two 4-byte versions, then [4-byte big-endian length][raw snappy block]...
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_LENGTH = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** snappy-java's default block size; blocks are compressed independently. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialFramed(buffer: Buffer): boolean {
  return buffer.length >= XERIAL_HEADER_LENGTH && buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

async function uncompressBlock(block: Buffer): Promise<Buffer> {
  const out = await uncompress(block, { asBuffer: true });
  return typeof out === 'string' ? Buffer.from(out) : out;
}

export async function snappyDecompress(buffer: Buffer): Promise<Buffer> {
  if (!isXerialFramed(buffer)) return uncompressBlock(buffer);
  const chunks: Buffer[] = [];
  let pos = XERIAL_HEADER_LENGTH;
  while (pos < buffer.length) {
    if (pos + 4 > buffer.length) throw new Error('snappy (xerial): truncated block length');
    const length = buffer.readUInt32BE(pos);
    pos += 4;
    if (pos + length > buffer.length) throw new Error('snappy (xerial): truncated block');
    chunks.push(await uncompressBlock(buffer.subarray(pos, pos + length)));
    pos += length;
  }
  return Buffer.concat(chunks);
}

/** Writes the xerial framing, the form every Kafka client (Java's included) reads. */
export async function snappyCompress(buffer: Buffer): Promise<Buffer> {
  const header = Buffer.alloc(XERIAL_HEADER_LENGTH);
  XERIAL_MAGIC.copy(header, 0);
  header.writeUInt32BE(XERIAL_VERSION, 8);
  header.writeUInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < buffer.length; pos += XERIAL_BLOCK_SIZE) {
    const block = await compress(buffer.subarray(pos, pos + XERIAL_BLOCK_SIZE));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}
