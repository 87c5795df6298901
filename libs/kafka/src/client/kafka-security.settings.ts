import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { setting, withRules, type ConfigIssue, type ConfigOf } from '@hookline/observability';
import { z } from 'zod';
import { KAFKA_SASL_MECHANISMS, PEM_FILE_MAX_BYTES } from '../kafka.constant.js';

// The file itself is checked by checkKafkaSecurity, which can say what is wrong with it.
const pemPath = (options: { readonly description: string; readonly optional: true }) => setting.custom(z.string().min(1), 'the path of a PEM file', options);

/**
 * How every service (and anything else that talks to Kafka) authenticates to the brokers
 * and encrypts the connection. Spread into each service's defineSettings; the rules that
 * span these settings (a mechanism needs a user name and password, files must hold PEM)
 * travel with them and run in loadConfig.
 */
export const kafkaSecuritySettings = {
  KAFKA_SSL: withRules(
    setting.flag({
      description:
        'Connect to Kafka over TLS (SSL or SASL_SSL listeners). The broker certificate is verified against KAFKA_SSL_CA_FILE, or the system CAs when that is unset.',
      default: false,
    }),
    checkKafkaSecurity,
  ),
  KAFKA_SSL_CA_FILE: pemPath({
    description: "PEM file of the CA(s) that signed the brokers' certificates (needs KAFKA_SSL=true). Unset: the system CAs.",
    optional: true,
  }),
  KAFKA_SSL_CERT_FILE: pemPath({
    description: 'PEM client certificate for brokers that require one (mutual TLS); needs KAFKA_SSL=true and KAFKA_SSL_KEY_FILE.',
    optional: true,
  }),
  KAFKA_SSL_KEY_FILE: pemPath({
    description: 'PEM private key (unencrypted, readable only by the service) of KAFKA_SSL_CERT_FILE.',
    optional: true,
  }),
  KAFKA_SASL_MECHANISM: setting.oneOf(KAFKA_SASL_MECHANISMS, {
    description: 'SASL mechanism of the Kafka listener; needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (plain also needs KAFKA_SSL=true). Unset: no SASL.',
    optional: true,
  }),
  KAFKA_SASL_USERNAME: setting.text({ description: "This service's own Kafka principal (SASL user name); give each service its own.", optional: true }),
  KAFKA_SASL_PASSWORD: setting.text({
    description: 'Password of KAFKA_SASL_USERNAME. Never logged, never shown in errors or health.',
    sensitive: true,
    optional: true,
  }),
} as const;

export type KafkaSecurityConfig = ConfigOf<typeof kafkaSecuritySettings>;

type PemKind = 'certificate' | 'private key';

const PEM_BEGIN: Record<PemKind, RegExp> = {
  certificate: /-----BEGIN CERTIFICATE-----/,
  'private key': /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/,
};

/** The rules spanning the KAFKA_SSL_* and KAFKA_SASL_* settings, one issue per bad setting. */
export function checkKafkaSecurity(values: Readonly<Record<string, unknown>>): ConfigIssue[] {
  const text = (name: keyof KafkaSecurityConfig): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const issues: ConfigIssue[] = [];
  const files: [keyof KafkaSecurityConfig, PemKind][] = [
    ['KAFKA_SSL_CA_FILE', 'certificate'],
    ['KAFKA_SSL_CERT_FILE', 'certificate'],
    ['KAFKA_SSL_KEY_FILE', 'private key'],
  ];
  for (const [name, kind] of files) {
    const path = text(name);
    if (path === undefined) continue;
    if (values.KAFKA_SSL === false) {
      issues.push({ setting: name, problem: 'only used with KAFKA_SSL=true, which is not set' });
      continue;
    }
    const problem = pemFileProblem(path, kind);
    if (problem !== undefined) issues.push({ setting: name, problem });
  }
  const cert = text('KAFKA_SSL_CERT_FILE');
  const key = text('KAFKA_SSL_KEY_FILE');
  if (cert !== undefined && key === undefined) issues.push({ setting: 'KAFKA_SSL_KEY_FILE', problem: 'required when KAFKA_SSL_CERT_FILE is set' });
  if (key !== undefined && cert === undefined) issues.push({ setting: 'KAFKA_SSL_CERT_FILE', problem: 'required when KAFKA_SSL_KEY_FILE is set' });

  const mechanism = text('KAFKA_SASL_MECHANISM');
  const hasUser = text('KAFKA_SASL_USERNAME') !== undefined;
  const hasPassword = text('KAFKA_SASL_PASSWORD') !== undefined;
  if (mechanism !== undefined) {
    if (!hasUser) issues.push({ setting: 'KAFKA_SASL_USERNAME', problem: `required when KAFKA_SASL_MECHANISM is set (${mechanism})` });
    if (!hasPassword) issues.push({ setting: 'KAFKA_SASL_PASSWORD', problem: `required when KAFKA_SASL_MECHANISM is set (${mechanism})` });
    if (mechanism === 'plain' && values.KAFKA_SSL === false) {
      issues.push({ setting: 'KAFKA_SSL', problem: 'must be true with KAFKA_SASL_MECHANISM=plain, which sends the password as it is' });
    }
  } else if ('KAFKA_SASL_MECHANISM' in values && (hasUser || hasPassword)) {
    // (Absent from values: it was set but invalid, and that issue is already reported.)
    issues.push({
      setting: 'KAFKA_SASL_MECHANISM',
      problem: `required when ${hasUser ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD'} is set (one of ${KAFKA_SASL_MECHANISMS.join(', ')})`,
    });
  }
  return issues;
}

/** Why `path` is not a usable PEM file of `kind`, or undefined when it is. Never shows the file's content. */
function pemFileProblem(path: string, kind: PemKind): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `no such file: '${path}'` : `cannot read '${path}' (${code ?? 'error'})`;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return `'${path}' is not a regular file`;
    if (stat.size > PEM_FILE_MAX_BYTES) return `'${path}' is ${stat.size} bytes, more than a PEM ${kind} file (${PEM_FILE_MAX_BYTES})`;
    const buffer = Buffer.alloc(stat.size);
    const read = readSync(fd, buffer, 0, stat.size, 0);
    const content = buffer.subarray(0, read).toString('utf8');
    if (kind === 'private key' && content.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----'))
      return `'${path}' holds an encrypted private key; give the key unencrypted (readable only by the service)`;
    if (!PEM_BEGIN[kind].test(content)) return `'${path}' holds no PEM ${kind} (-----BEGIN ${kind === 'certificate' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----)`;
    return undefined;
  } catch (error) {
    return `cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  } finally {
    closeSync(fd);
  }
}
