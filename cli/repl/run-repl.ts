// Placeholder replaced by the Ink REPL in the next step.
import type { KsqlClient } from '../client.js';
import type { EmbeddedServer } from '../embedded.js';
import type { OutputFormat } from '../session.js';

export interface ReplOptions {
  client: KsqlClient;
  embedded?: EmbeddedServer;
  properties: Record<string, unknown>;
  variables: Record<string, string>;
  format: OutputFormat;
}

export async function runRepl(_options: ReplOptions): Promise<void> {
  process.stderr.write('The interactive REPL is not in this build yet: use -e "SQL" or -f file.sql.\n');
}
