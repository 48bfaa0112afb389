import { runCli } from '../../cli/cli';
import type { CliCommand, CliOptions, CliOutput } from '../../cli/cli-command.interface';
import { COMMANDS } from '../../cli/commands';

function capture(): CliOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line) };
}

describe('CLI command framework', () => {
  const calls: Array<{ name: string; options: CliOptions }> = [];
  const command = (name: string, aliases?: string[]): CliCommand => ({
    name,
    aliases,
    description: `Runs ${name}`,
    options: {
      name: { type: 'string', value: '<name>', description: 'project name' },
      domain: { type: 'string', value: '<domain>', description: 'allowed domain' },
      'dry-run': { type: 'boolean', description: 'change nothing' },
      'only-due': { type: 'boolean', description: 'collect only what is due' },
    },
    run: async (options) => {
      calls.push({ name, options });
      return name === 'fail' ? 2 : 0;
    },
  });
  const commands = [
    command('receiver migrate'),
    command('receiver create-project'),
    command('report', ['send']),
    command('fail'),
    {
      ...command('needs'),
      options: {
        module: { type: 'string', value: '<file>', description: 'the root module', required: true },
      },
    } satisfies CliCommand,
  ];

  const run = async (argv: string[]) => {
    const output = capture();
    const code = await runCli(argv, output, commands);
    return { code, ...output };
  };

  beforeEach(() => calls.splice(0));

  it('dispatches multi-word commands and aliases with their options, before or after the name', async () => {
    expect(
      (await run(['receiver', 'create-project', '--name=Shop', '--domain', 'a.com', '--dry-run']))
        .code,
    ).toBe(0);
    expect((await run(['--only-due', 'send'])).code).toBe(0);
    expect(calls).toEqual([
      {
        name: 'receiver create-project',
        options: { name: 'Shop', domain: 'a.com', 'dry-run': true },
      },
      { name: 'report', options: { 'only-due': true } },
    ]);
  });

  it('refuses a mistyped option, naming it, the likely intent and every valid option', async () => {
    const result = await run(['report', '--only-du']);
    expect(result.code).toBe(1);
    expect(result.errors).toEqual([
      'Unknown option --only-du for "report". Did you mean --only-due? Valid options: ' +
        '--name, --domain, --dry-run, --only-due, --help.',
    ]);
    expect(calls).toEqual([]);
  });

  it.each([
    [['report', '-x'], 'Unknown option -x for "report". Valid options:'],
    [['report', '--name'], 'Option --name needs a value: --name <name>'],
    [['report', '--name', '--dry-run'], 'Option --name needs a value: --name <name>'],
    [['report', '--dry-run=yes'], 'Option --dry-run is a flag and takes no value.'],
    [['report', 'extra'], 'Unexpected argument "extra" after "report": it takes options only'],
    [['needs'], 'The --module <file> option is required by "needs" (the root module).'],
    [['needs', '--module='], 'The --module <file> option is required by "needs"'],
    [['repot'], 'Unknown command "repot". Did you mean "report"? Run "nestjs-telemetry help"'],
    [
      ['receiver'],
      '"receiver" is the start of a command: receiver migrate, receiver create-project.',
    ],
  ])('refuses %j with a message saying what to do', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(message);
    expect(calls).toEqual([]);
  });

  it('returns the exit code of the command and turns its exceptions into a message and exit 1', async () => {
    expect((await run(['fail'])).code).toBe(2);
    const broken: CliCommand = {
      ...command('broken'),
      run: () => Promise.reject(new Error('no database')),
    };
    const output = capture();
    expect(await runCli(['broken'], output, [broken])).toBe(1);
    expect(output.errors).toEqual(['no database']);
  });

  it('prints the help with aligned columns: for the binary, and for one command', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    const lines = help.lines.join('\n').split('\n');
    expect(lines[0]).toBe('Usage: nestjs-telemetry <command> [options]');
    const rows = lines.filter((line) => / {3}Runs /.test(line));
    expect(rows).toHaveLength(commands.length);
    expect(new Set(rows.map((row) => row.indexOf('Runs '))).size).toBe(1);
    expect(lines).toContain('  report, send              Runs report');

    const commandHelp = await run(['report', '--help']);
    expect(commandHelp.code).toBe(0);
    expect(calls).toEqual([]);
    const text = commandHelp.lines.join('\n');
    expect(text).toContain('Usage: nestjs-telemetry report [options]\nAlias: send');
    expect(text).toContain(
      [
        '  --name <name>       project name',
        '  --domain <domain>   allowed domain',
        '  --dry-run           change nothing',
        '  --only-due          collect only what is due',
        '  -h, --help          show this help',
      ].join('\n'),
    );
    expect((await run(['help', 'receiver', 'migrate'])).lines.join('\n')).toContain(
      'Usage: nestjs-telemetry receiver migrate [options]',
    );
    expect((await run(['needs', '-h'])).lines.join('\n')).toContain(
      'Usage: nestjs-telemetry needs --module <file> [options]',
    );
  });

  it('answers no command at all with the help on stderr and exit 1', async () => {
    const result = await run([]);
    expect(result.code).toBe(1);
    expect(result.errors.join('\n')).toContain('Usage: nestjs-telemetry <command> [options]');
  });

  it('ships list, report (alias send), sync-flags, dead-letters and the receiver commands', () => {
    expect(COMMANDS.map((c) => [c.name, c.aliases ?? []])).toEqual([
      ['list', []],
      ['report', ['send']],
      ['sync-flags', []],
      ['dead-letters', []],
      ['dead-letters retry', []],
      ['dead-letters drop', []],
      ['receiver migrate', []],
      ['receiver create-project', []],
      ['receiver purge', []],
      ['receiver rebuild-rollups', []],
      ['receiver import-micrologs', []],
      ['receiver export-visitor', []],
      ['receiver erase-visitor', []],
      ['receiver worker', []],
      ['receiver alerts create', []],
      ['receiver alerts list', []],
      ['receiver alerts delete', []],
      ['receiver alerts test', []],
      ['receiver alerts deliveries', []],
    ]);
  });
});
