import { ProjectEntity } from '../storage/entities/project.entity';
import {
  assertDomainsArray,
  assertNameLength,
  cleanDomains,
  requiredName,
} from '../projects/project-input';
import { telemetrySettings } from '../projects/project-telemetry-input';
import { newProjectRecord } from '../projects/projects.service';
import {
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  stringOption,
} from './cli-args';
import { ReceiverCliMessages } from './cli.messages';
import { openCliDataSource } from './receiver-cli.data-source';

/**
 * `nestjs-telemetry receiver create-project --name … --domains a.com,b.com`: creates a project
 * (migrating first) with the API's validation rules, and prints its id and keys.
 */
export async function runReceiverCreateProject(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
): Promise<number> {
  const name = stringOption(options, 'name');
  const domains = stringOption(options, 'domains');
  if (name === undefined || domains === undefined) {
    output.err(ReceiverCliMessages.createUsage);
    return 1;
  }
  try {
    const body: Record<string, unknown> = { name, allowed_domains: domains.split(',') };
    if (stringOption(options, 'token-policy')) body.token_policy = options['token-policy'];
    if (stringOption(options, 'signing-secret')) body.signing_secret = options['signing-secret'];
    const cleanName = requiredName(body);
    assertDomainsArray(body.allowed_domains);
    assertNameLength(cleanName);
    const cleaned = cleanDomains(body.allowed_domains);
    const settings = telemetrySettings(body);
    const dataSource = await openCliDataSource(options);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      const repository = dataSource.getRepository(ProjectEntity);
      const project = await repository.save(
        repository.create({ ...newProjectRecord(cleanName, cleaned), ...settings }),
      );
      output.out(ReceiverCliMessages.created);
      output.out(`id:              ${project.id}`);
      output.out(`name:            ${project.name}`);
      output.out(`allowed_domains: ${cleaned.join(', ')}`);
      output.out(`token_policy:    ${project.token_policy}`);
      output.out(`secret_key:      ${project.secret_key}`);
      output.out(`public_key:      ${project.public_key}`);
      return 0;
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    // Validation rules throw domain errors whose message is the API's own.
    output.err(ReceiverCliMessages.failed((error as Error).message));
    return 1;
  }
}
