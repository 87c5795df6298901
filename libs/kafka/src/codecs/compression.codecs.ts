import { promisify } from 'node:util';
import { zstdCompress, zstdDecompress } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from '../client/kafkajs.runtime.js';
import { compressFrame, decompressFrame } from 'lz4-napi';
import { snappyCompress, snappyDecompress } from './snappy.codec.js';

/** The shape kafkajs expects of a codec (its `compress` gets a protocol Encoder). */
export interface KafkaCompressionCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const zstdCompressAsync = promisify(zstdCompress);
const zstdDecompressAsync = promisify(zstdDecompress);

export const snappyCodec: KafkaCompressionCodec = {
  compress: (encoder) => snappyCompress(encoder.buffer),
  decompress: (buffer) => snappyDecompress(buffer),
};

// Kafka (since message format v1, KIP-57) uses the standard LZ4 frame format.
export const lz4Codec: KafkaCompressionCodec = {
  compress: (encoder) => compressFrame(encoder.buffer),
  decompress: (buffer) => decompressFrame(buffer),
};

// Node 24's zlib speaks zstd natively: no native addon to build or ship.
export const zstdCodec: KafkaCompressionCodec = {
  compress: (encoder) => zstdCompressAsync(encoder.buffer),
  decompress: (buffer) => zstdDecompressAsync(buffer),
};

/** Makes kafkajs read and write every codec Kafka defines; idempotent. */
export function registerCompressionCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = () => snappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
}

// Consumers must read records compressed by any client, so this runs on import.
registerCompressionCodecs();
