import { parseNewProject } from '../projects/project-input';
import { ReceiverCliMessages } from './cli.messages';
import {
  parsedCommand,
  type ReceiverCliOptions,
  runOnMigratingDatabase,
  stringOption,
} from './receiver-cli.runner';

/** The command's options in the shape of the API's create body, so both validate alike. */
function createBody(options: ReceiverCliOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: stringOption(options, 'name'),
    allowed_domains: (stringOption(options, 'domains') ?? '').split(','),
  };
  const policy = stringOption(options, 'token-policy');
  const secret = stringOption(options, 'signing-secret');
  if (policy !== undefined) body.token_policy = policy;
  if (secret !== undefined) body.signing_secret = secret;
  return body;
}

/**
 * `nestjs-telemetry receiver create-project --name … --domains a.com,b.com`: checks the input
 * with the API's rules before touching any database, says which database it works on, migrates
 * it, creates the project through `ProjectsService` and prints its id and keys.
 */
export const runReceiverCreateProject = parsedCommand(
  // Validation rules throw domain errors whose message is the API's own.
  (options) => parseNewProject(createBody(options)),
  async (receiver, input, output) => {
    const project = await receiver.projects.create(input);
    output.out(ReceiverCliMessages.created);
    output.out(`id:              ${project.id}`);
    output.out(`name:            ${project.name}`);
    output.out(`allowed_domains: ${input.domains.join(', ')}`);
    output.out(`token_policy:    ${project.token_policy}`);
    output.out(`secret_key:      ${project.secret_key}`);
    output.out(`public_key:      ${project.public_key}`);
    return 0;
  },
  runOnMigratingDatabase,
);
