import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hooklineCacheDir } from './cache-dir.js';
import { KAFKA_VERSION, LOG4J_VERSION, MAVEN_DEPENDENCY_PLUGIN, SLF4J_VERSION } from './kafka-version.constant.js';

const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders><Console name="STDOUT" target="SYSTEM_OUT"><PatternLayout pattern="[%d] %p %m (%c)%n"/></Console></Appenders>
  <Loggers>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="org.apache.kafka.storage" level="WARN"/>
    <Root level="INFO"><AppenderRef ref="STDOUT"/></Root>
  </Loggers>
</Configuration>
`;

function carrierPom(version: string): string {
  const dep = (g: string, a: string, v: string) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.hookline</groupId><artifactId>kafka-carrier</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
${[
  dep('org.apache.kafka', 'kafka_2.13', version),
  dep('org.apache.kafka', 'kafka-tools', version),
  dep('org.apache.logging.log4j', 'log4j-api', LOG4J_VERSION),
  dep('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION),
  dep('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION),
  dep('org.slf4j', 'slf4j-api', SLF4J_VERSION),
].join('\n')}
  </dependencies>
</project>
`;
}

export interface KafkaDistribution {
  version: string;
  /** Folder of jars; `${libsDir}/*` is the java classpath. */
  libsDir: string;
  classpath: string;
  log4jConfig: string;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

/**
 * The Kafka broker and tools jars from Maven Central, fetched once into the cache folder.
 * Later calls find the folder complete and need no network.
 */
export async function ensureKafkaDistribution(version = KAFKA_VERSION, cacheDir = hooklineCacheDir()): Promise<KafkaDistribution> {
  const home = join(cacheDir, 'kafka', version);
  const libsDir = join(home, 'libs');
  const log4jConfig = join(home, 'log4j2.xml');
  const dist = { version, libsDir, classpath: `${libsDir}/*`, log4jConfig };
  if (existsSync(join(libsDir, `kafka_2.13-${version}.jar`)) && existsSync(log4jConfig)) return dist;

  await mkdir(home, { recursive: true });
  // Fetch into a private folder and rename it into place, so concurrent runs never see half a folder.
  const staging = join(home, `staging-${process.pid}-${Date.now()}`);
  await mkdir(staging, { recursive: true });
  try {
    const pom = join(staging, 'pom.xml');
    await writeFile(pom, carrierPom(version));
    const result = await run('mvn', [
      '-B',
      '-q',
      '-f',
      pom,
      `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${join(staging, 'libs')}`,
    ]).catch((err: unknown) => {
      throw new Error(`cannot run mvn to fetch Kafka ${version} (is Maven installed?): ${String(err)}`);
    });
    if (result.code !== 0) throw new Error(`mvn failed to fetch Kafka ${version} from Maven Central:\n${result.output}`);
    const jars = await readdir(join(staging, 'libs'));
    if (!jars.includes(`kafka_2.13-${version}.jar`)) throw new Error(`mvn finished but kafka_2.13-${version}.jar is missing`);
    await writeFile(log4jConfig, LOG4J2_XML);
    if (!existsSync(join(libsDir, `kafka_2.13-${version}.jar`))) {
      await rm(libsDir, { recursive: true, force: true });
      await rename(join(staging, 'libs'), libsDir).catch((err: unknown) => {
        // Another run won the race; its folder is as good as ours.
        if (!existsSync(join(libsDir, `kafka_2.13-${version}.jar`))) throw err;
      });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dist;
}
