// Help text of `eddy migrations` and of each command (ksql-migrations' descriptions).

export const COMMANDS: { name: string; synopsis: string; description: string; options?: string[] }[] = [
  { name: 'new-project', synopsis: 'new-project <project-path> <ksql-server-url>', description: 'Creates a new migrations project directory structure and config file.' },
  { name: 'initialize-metadata', synopsis: 'initialize-metadata', description: 'Initializes the migrations schema metadata (ksqlDB stream and table) on the ksqlDB server.' },
  {
    name: 'create',
    synopsis: 'create [-v|--version <version>] [--with-undo] <description>',
    description: 'Creates a blank migration file with the specified description, which can then be populated with ksqlDB statements and applied as the next schema version.',
    options: [
      '-v, --version <version>  (Optional) The schema version to initialize. Defaults to the next schema version based on existing migration files.',
      '--with-undo              Also creates the undo file U<version>__<description>.sql, run by `apply --undo` and `apply --goto`.',
    ],
  },
  {
    name: 'apply',
    synopsis: 'apply (-a|--all | -n|--next | -u|--until <v> | -v|--version <v> | --undo | --goto <v>) [-d|--define name=value]... [--headers <file>] [--dry-run]',
    description: 'Migrates the metadata schema to a new schema version.',
    options: [
      '-a, --all                 Run all available migrations',
      '-n, --next                Run the next available migration version',
      '-u, --until <version>     Run all available migrations up through the specified version',
      '-v, --version <version>   Run the migration with the specified version',
      '--undo                    Undo the current version by running its U file',
      '--goto <version>          Undo back to, or apply up to, the specified version (0: undo all)',
      '-d, --define name=value   Define variables for the session, as if DEFINEd at the top of each migration. May be passed any number of times.',
      '--headers <file>          Path to custom request headers file (Name: value lines), sent with every request.',
      '--dry-run                 Print which migration files and statements would run, and what each would change; send no statement to the server.',
    ],
  },
  { name: 'info', synopsis: 'info', description: 'Displays information about the current and available migrations.' },
  {
    name: 'validate',
    synopsis: 'validate',
    description:
      'Validates applied migrations against local files. This command checks whether the migration files (and their undo files) that have been applied are the same as the local files with the same version, by computing hashes for the local files and comparing them to the checksums saved with the applied migrations.',
  },
  {
    name: 'destroy-metadata',
    synopsis: 'destroy-metadata',
    description: 'Destroys all ksqlDB server resources related to migrations, including the migrations metadata stream and table and their underlying Kafka topics. WARNING: this is not reversible!',
  },
  { name: 'help', synopsis: 'help [<command>]', description: 'Display help information' },
];

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: eddy migrations [ {-c | --config-file} <config-file> ] <command> [ <args> ]',
    '',
    'This tool provides easy and automated schema migrations for ksqlDB environments. This allows control over ksqlDB schemas, recreate schemas from scratch and migrations for current schemas to newer versions.',
    '',
    'Commands are:',
    ...COMMANDS.map((c) => `    ${c.name.padEnd(width)}   ${c.description}`),
    '',
    'See `eddy migrations help <command>` for more information on a specific command.',
    '',
  ].join('\n');
}

export function commandHelp(name: string): string {
  const c = COMMANDS.find((x) => x.name === name)!;
  return [
    'NAME',
    `        eddy migrations ${c.name} - ${c.description}`,
    '',
    'SYNOPSIS',
    `        eddy migrations [ {-c | --config-file} <config-file> ] ${c.synopsis}`,
    '',
    ...(c.options ? ['OPTIONS', ...c.options.map((o) => '        ' + o), ''] : []),
    ...(c.name === 'new-project' ? [] : ['        -c <config-file>, --config-file <config-file>', '            Path to migrations configuration file. Required for all commands with the exception of `new-project`.', '']),
  ].join('\n');
}
