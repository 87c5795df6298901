import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BROKER_TLS_VALIDITY_DAYS } from './kafka-version.constant.js';

/** A throw-away CA and a broker certificate it signed, made with the JDK's keytool. */
export interface BrokerTls {
  /** PEM of the CA: what clients trust (KAFKA_SSL_CA_FILE). */
  readonly caFile: string;
  readonly caPem: string;
  /** PKCS12 key store with the broker's key and chain, and the CA as a trusted entry. */
  readonly keyStore: string;
  readonly storePassword: string;
}

/** A client certificate the CA signed and its unencrypted PEM key (for brokers that require one). */
export interface ClientCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

function run(tool: 'keytool' | 'openssl', args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(tool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', (error) => reject(new Error(`cannot run ${tool}${tool === 'keytool' ? ' (it ships with the JDK)' : ''}: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolveRun() : reject(new Error(`${tool} ${args[0]} failed (${code}): ${output.slice(-1500)}`))));
  });
}

const keytool = (args: readonly string[], cwd: string): Promise<void> => run('keytool', args, cwd);

/** Has the CA in `dir` sign a certificate request: the certificate as PEM, valid as long as the CA, with these extensions. */
function signWithCa(dir: string, storePassword: string, request: string, certificate: string, extensions: readonly string[]): Promise<void> {
  const store = ['-keystore', 'ca.p12', '-storetype', 'PKCS12', '-storepass', storePassword];
  const validity = ['-validity', String(BROKER_TLS_VALIDITY_DAYS)];
  return keytool(
    ['-gencert', '-alias', 'ca', ...store, '-infile', request, '-outfile', certificate, '-rfc', ...validity, ...extensions.flatMap((ext) => ['-ext', ext])],
    dir,
  );
}

/**
 * Makes (or finds, from an earlier start with the same folder) the CA and a broker
 * certificate for 127.0.0.1/localhost in `dir`. EC keys: far quicker to make than RSA.
 */
export async function ensureBrokerTls(dir: string): Promise<BrokerTls> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, 'ca.pem');
  const keyStore = join(dir, 'broker.p12');
  const passwordFile = join(dir, 'store-password');
  if (existsSync(caFile) && existsSync(keyStore) && existsSync(passwordFile)) {
    return { caFile, caPem: await readFile(caFile, 'utf8'), keyStore, storePassword: (await readFile(passwordFile, 'utf8')).trim() };
  }
  const storePassword = randomBytes(18).toString('base64url');
  const store = ['-storetype', 'PKCS12', '-storepass', storePassword];
  const key = ['-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', String(BROKER_TLS_VALIDITY_DAYS)];
  // The CA and the broker's key pair do not depend on each other: two JVMs at once.
  await Promise.all([
    (async () => {
      await keytool(['-genkeypair', '-alias', 'ca', '-dname', 'CN=hookline local Kafka CA', ...key, '-ext', 'bc:c', '-keystore', 'ca.p12', ...store], dir);
      await keytool(['-exportcert', '-rfc', '-alias', 'ca', '-keystore', 'ca.p12', ...store, '-file', 'ca.pem'], dir);
    })(),
    (async () => {
      await keytool(['-genkeypair', '-alias', 'broker', '-dname', 'CN=127.0.0.1', ...key, '-keystore', 'broker.p12', ...store], dir);
      await keytool(['-certreq', '-alias', 'broker', '-keystore', 'broker.p12', ...store, '-file', 'broker.csr'], dir);
    })(),
  ]);
  await signWithCa(dir, storePassword, 'broker.csr', 'broker.pem', ['SAN=ip:127.0.0.1,dns:localhost', 'EKU=serverAuth,clientAuth']);
  await keytool(['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem', '-keystore', 'broker.p12', ...store], dir);
  await keytool(['-importcert', '-noprompt', '-alias', 'broker', '-file', 'broker.pem', '-keystore', 'broker.p12', ...store], dir);
  // Written last: its presence says every step above finished.
  await writeFile(passwordFile, storePassword, { mode: 0o600 });
  return { caFile, caPem: await readFile(caFile, 'utf8'), keyStore, storePassword };
}

/**
 * A client key and certificate signed by the CA in `dir` (made by ensureBrokerTls). keytool
 * cannot write a private key as PEM, so openssl makes the key and its request; keytool signs.
 */
export async function ensureClientCertificate(dir: string, tls: BrokerTls): Promise<ClientCertificate> {
  const certFile = join(dir, 'client.pem');
  const keyFile = join(dir, 'client.key');
  if (existsSync(certFile) && existsSync(keyFile)) return { certFile, keyFile };
  await run(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'client.key.tmp',
      '-subj',
      '/CN=hookline-test-client',
      '-out',
      'client.csr',
    ],
    dir,
  );
  await signWithCa(dir, tls.storePassword, 'client.csr', 'client.pem', ['EKU=clientAuth']);
  await rename(join(dir, 'client.key.tmp'), keyFile);
  return { certFile, keyFile };
}
