import { runCli } from '../../cli/cli';
import type { CliCommand, CliOptions, CliOutput } from '../../cli/cli-command.interface';
import { COMMANDS } from '../../cli/commands';

function capture(): CliOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line) };
}

describe('CLI command framework', () => {
  const calls: Array<{ name: string; options: CliOptions; args: string[] }> = [];
  const command = (name: string, aliases?: string[]): CliCommand => ({
    name,
    aliases,
    description: `runs ${name}`,
    options: [['--project <id>', 'project id']],
    run: async (options, _output, args) => {
      calls.push({ name, options, args });
      return name === 'fail' ? 2 : 0;
    },
  });
  const commands = [
    command('receiver migrate'),
    command('receiver create-project'),
    command('report', ['send']),
    command('fail'),
  ];

  beforeEach(() => calls.splice(0));

  it('dispatches multi-word commands and aliases with their options', async () => {
    const output = capture();
    expect(
      await runCli(
        ['receiver', 'create-project', 'shop', '--name=Shop', '--domain', 'a.com', '--dry-run'],
        output,
        commands,
      ),
    ).toBe(0);
    expect(await runCli(['send', '--only-due'], output, commands)).toBe(0);
    expect(calls).toEqual([
      {
        name: 'receiver create-project',
        options: { name: 'Shop', domain: 'a.com', 'dry-run': true },
        args: ['shop'],
      },
      { name: 'report', options: { 'only-due': true }, args: [] },
    ]);
  });

  it('returns the exit code of the command and turns its exceptions into a message and exit 1', async () => {
    expect(await runCli(['fail'], capture(), commands)).toBe(2);
    const broken: CliCommand = {
      ...command('broken'),
      run: () => Promise.reject(new Error('no database')),
    };
    const output = capture();
    expect(await runCli(['broken'], output, [broken])).toBe(1);
    expect(output.errors).toEqual(['no database']);
  });

  it('lists every command, alias and option in the help', async () => {
    const output = capture();
    expect(await runCli(['help'], output, commands)).toBe(0);
    const help = output.lines.join('\n');
    expect(help).toContain('receiver migrate');
    expect(help).toContain('report, send');
    expect(help).toContain('--project <id>');
  });

  it('ships list, report (alias send), sync-flags and the receiver commands', () => {
    expect(COMMANDS.map((c) => [c.name, c.aliases ?? []])).toEqual([
      ['list', []],
      ['report', ['send']],
      ['sync-flags', []],
      ['receiver migrate', []],
      ['receiver create-project', []],
    ]);
  });
});
