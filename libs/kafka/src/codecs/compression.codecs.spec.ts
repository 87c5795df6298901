import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { compressSync } from 'snappy';
import { compressionTypeOf, type CompressionName } from '../client/compression-type.js';
import { CompressionCodecs, CompressionTypes } from '../client/kafkajs.runtime.js';
import { ensureTopics } from '../admin/ensure-topics.js';
import { EventProducer } from '../producer/event-producer.js';
import { brokersFromEnv, NO_BROKER_SKIP, readRecords, testClient, uniqueName } from '../testing/kafka-test-env.js';
import { lz4Codec, snappyCodec, zstdCodec, type KafkaCompressionCodec } from './compression.codecs.js';
import { isXerialFramed } from './snappy.codec.js';

// Compressible and large enough for several xerial blocks (32 KiB each).
const payload = Buffer.concat(
  Array.from({ length: 2_000 }, (_, i) => Buffer.from(`{"sid":"s-${i}","verb":"connect","n":${i}} ${randomBytes(8).toString('hex')}\n`)),
);

async function roundtrip(codec: KafkaCompressionCodec, input: Buffer): Promise<Buffer> {
  const compressed = await codec.compress({ buffer: input });
  return codec.decompress(compressed);
}

void describe('compression codecs', () => {
  for (const [name, codec] of [
    ['snappy', snappyCodec],
    ['lz4', lz4Codec],
    ['zstd', zstdCodec],
  ] as const) {
    void it(`${name} round-trips small, empty and multi-block payloads`, async () => {
      assert.deepEqual(await roundtrip(codec, Buffer.from('hello')), Buffer.from('hello'));
      assert.deepEqual(await roundtrip(codec, Buffer.alloc(0)), Buffer.alloc(0));
      const compressed = await codec.compress({ buffer: payload });
      assert.ok(compressed.length < payload.length, `${name} should compress (got ${compressed.length} of ${payload.length})`);
      assert.deepEqual(await codec.decompress(compressed), payload);
    });
  }

  void it('snappy writes the xerial framing Java clients use, and reads raw snappy too', async () => {
    const framed = await snappyCodec.compress({ buffer: payload });
    assert.ok(isXerialFramed(framed));
    assert.deepEqual(await snappyCodec.decompress(compressSync(payload)), payload);
  });

  void it('snappy reads a hand-built xerial stream (magic, versions, big-endian block lengths)', async () => {
    const a = compressSync(Buffer.from('first block|'));
    const b = compressSync(Buffer.from('second block'));
    const len = (n: number): Buffer => {
      const buf = Buffer.alloc(4);
      buf.writeUInt32BE(n);
      return buf;
    };
    const stream = Buffer.concat([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]), len(1), len(1), len(a.length), a, len(b.length), b]);
    assert.equal((await snappyCodec.decompress(stream)).toString(), 'first block|second block');
  });

  void it('is registered with kafkajs on import', () => {
    assert.equal(CompressionCodecs[CompressionTypes.Snappy](), snappyCodec);
    assert.equal(CompressionCodecs[CompressionTypes.LZ4](), lz4Codec);
    assert.equal(CompressionCodecs[CompressionTypes.ZSTD](), zstdCodec);
  });
});

type Counted = { decompressions: number; restore: () => void };

/** Counts a codec's decompress calls, proving the records read were really compressed with it. */
function countDecompressions(type: number): Counted {
  const codecs = CompressionCodecs as unknown as Record<number, () => KafkaCompressionCodec>;
  const original = codecs[type]!;
  const counted: Counted = {
    decompressions: 0,
    restore: () => {
      codecs[type] = original;
    },
  };
  codecs[type] = () => {
    const codec = original();
    return {
      compress: (encoder) => codec.compress(encoder),
      decompress: (buffer) => {
        counted.decompressions += 1;
        return codec.decompress(buffer);
      },
    };
  };
  return counted;
}

const CODECS: CompressionName[] = ['gzip', 'snappy', 'lz4', 'zstd'];

void describe('compressed records on a real broker', { skip: brokersFromEnv === undefined ? NO_BROKER_SKIP : false }, () => {
  for (const codec of CODECS) {
    void it(`reads back records kafkajs produced with ${codec}`, async () => {
      const client = testClient();
      const topic = uniqueName(`codec-${codec}`);
      await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
      const producer = new EventProducer({ client, compression: codec });
      const values = Array.from({ length: 50 }, (_, i) => `${codec}-record-${i}-${'x'.repeat(200)}`);
      const counted = countDecompressions(compressionTypeOf(codec));
      try {
        await producer.send(values.map((value, i) => ({ topic, key: `k${i % 5}`, value })));
        const read = await readRecords(client, topic, values.length);
        assert.deepEqual(read.map((r) => r.message.value?.toString()).sort(), [...values].sort());
        assert.ok(counted.decompressions > 0, `expected ${codec} decompression on read`);
      } finally {
        counted.restore();
        await producer.disconnect();
      }
    });
  }
});

const javaClasspath = process.env.KAFKA_CLASSPATH;
void describe(
  'records a Java client compressed',
  {
    skip:
      brokersFromEnv === undefined ? NO_BROKER_SKIP : javaClasspath === undefined ? 'KAFKA_CLASSPATH is not set: no Java Kafka client to produce with' : false,
  },
  () => {
    for (const codec of CODECS) {
      void it(`reads records Java's producer compressed with ${codec}`, async () => {
        const client = testClient();
        const topic = uniqueName(`java-${codec}`);
        await ensureTopics(client, [{ topic, numPartitions: 1, withDeadLetterTopic: false }]);
        const count = 300;
        await promisify(execFile)(
          'java',
          [
            '-cp',
            javaClasspath!,
            'org.apache.kafka.tools.ProducerPerformance',
            '--topic',
            topic,
            '--num-records',
            String(count),
            '--record-size',
            '512',
            '--throughput',
            '-1',
            '--producer-props',
            `bootstrap.servers=${brokersFromEnv!.join(',')}`,
            `compression.type=${codec}`,
            'linger.ms=50',
            'batch.size=65536',
          ],
          { timeout: 60_000 },
        );
        const counted = countDecompressions(compressionTypeOf(codec));
        try {
          const read = await readRecords(client, topic, count);
          assert.equal(read.length, count);
          assert.ok(read.every((r) => r.message.value?.length === 512));
          assert.ok(counted.decompressions > 0, `expected ${codec} decompression on read`);
        } finally {
          counted.restore();
        }
      });
    }
  },
);
