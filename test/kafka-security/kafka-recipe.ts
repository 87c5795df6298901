// The README's production recipe (kafka-topics and kafka-acls commands between the
// kafka-recipe markers), read as data so a test applies exactly what operators are told to.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import kafkajs, { type AclEntry, type Admin } from 'kafkajs';

// kafkajs is CommonJS: its enums come from the default export.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const BEGIN = '<!-- kafka-recipe:begin -->';
const END = '<!-- kafka-recipe:end -->';

export interface RecipeTopic {
  readonly topic: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface KafkaRecipe {
  readonly topics: readonly RecipeTopic[];
  readonly acls: readonly AclEntry[];
}

/** kafka-acls' operation names (Write, DescribeConfigs) as kafkajs' enum keys (WRITE, DESCRIBE_CONFIGS). */
function operationOf(name: string): AclEntry['operation'] {
  const key = name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  if (!Object.hasOwn(AclOperationTypes, key)) throw new Error(`README recipe: unknown kafka-acls operation ${name}`);
  return AclOperationTypes[key as keyof typeof AclOperationTypes];
}

/** The commands of the block, continuation lines joined, comments and blank lines dropped. */
function commands(readme: string): string[][] {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} ... ${END} block`);
  const joined = readme.slice(start + BEGIN.length, end).replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('kafka-topics ') || line.startsWith('kafka-acls '))
    .map((line) => line.split(/\s+/));
}

function valuesOf(words: readonly string[], option: string): string[] {
  return words.flatMap((word, index) => (word === option && words[index + 1] !== undefined ? [words[index + 1]!] : []));
}

export function readKafkaRecipe(readme: string = readFileSync(README, 'utf8')): KafkaRecipe {
  const topics: RecipeTopic[] = [];
  const acls: AclEntry[] = [];
  for (const words of commands(readme)) {
    if (words[0] === 'kafka-topics') {
      if (!words.includes('--create')) throw new Error(`README recipe: only kafka-topics --create is understood: ${words.join(' ')}`);
      const [topic] = valuesOf(words, '--topic');
      const partitions = Number(valuesOf(words, '--partitions')[0]);
      if (topic === undefined || !Number.isInteger(partitions))
        throw new Error(`README recipe: kafka-topics without --topic or --partitions: ${words.join(' ')}`);
      const configs = Object.fromEntries(valuesOf(words, '--config').map((pair) => pair.split('=') as [string, string]));
      topics.push({ topic, partitions, configs });
      continue;
    }
    if (!words.includes('--add')) throw new Error(`README recipe: only kafka-acls --add is understood: ${words.join(' ')}`);
    const principals = valuesOf(words, '--allow-principal');
    const operations = valuesOf(words, '--operation').map(operationOf);
    const pattern = valuesOf(words, '--resource-pattern-type')[0] ?? 'literal';
    const resourcePatternType = pattern === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL;
    const resources = [
      ...valuesOf(words, '--topic').map((name) => ({ resourceType: AclResourceTypes.TOPIC, resourceName: name })),
      ...valuesOf(words, '--group').map((name) => ({ resourceType: AclResourceTypes.GROUP, resourceName: name })),
    ];
    if (principals.length === 0 || operations.length === 0 || resources.length === 0)
      throw new Error(`README recipe: incomplete kafka-acls command: ${words.join(' ')}`);
    for (const principal of principals) {
      for (const operation of operations) {
        for (const resource of resources) {
          acls.push({ ...resource, resourcePatternType, principal, host: '*', operation, permissionType: AclPermissionTypes.ALLOW });
        }
      }
    }
  }
  return { topics, acls };
}

/** Creates the recipe's topics and ACLs through a super user's admin client. */
export async function applyKafkaRecipe(admin: Admin, recipe: KafkaRecipe): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: recipe.topics.map(({ topic, partitions, configs }) => ({
      topic,
      numPartitions: partitions,
      configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
    })),
  });
  await admin.createAcls({ acl: [...recipe.acls] });
}
