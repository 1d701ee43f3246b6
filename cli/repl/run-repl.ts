// Starts the Ink REPL on the terminal and resolves when the user leaves it.

import React from 'react';
import { render } from 'ink';
import type { KsqlClient } from '../client.js';
import type { EmbeddedServer } from '../embedded.js';
import { App } from './App.js';
import { History, defaultHistoryFile } from './history.js';
import { bannerLines } from './controller.js';

export interface ReplOptions {
  client: KsqlClient;
  embedded?: EmbeddedServer;
  properties: Record<string, unknown>;
  variables: Record<string, string>;
  /** TABULAR, VERTICAL or JSON. */
  output: string;
}

export async function runRepl(options: ReplOptions): Promise<void> {
  let serverVersion: string | undefined;
  let status = 'unknown';
  try {
    const info = await options.client.info();
    serverVersion = typeof info.version === 'string' ? info.version : undefined;
    status = String(info.serverStatus ?? 'unknown');
  } catch (err) {
    status = `not reachable (${(err as Error).message})`;
  }
  const banner = bannerLines(
    options.client.url,
    serverVersion,
    status,
    options.embedded ? `Embedded server running in this process (stops when you exit).` : undefined,
  );
  const history = new History(defaultHistoryFile());
  const app = render(
    React.createElement(App, {
      client: options.client,
      history,
      banner,
      host: options.embedded ? { otherClients: () => options.embedded!.server.otherClients(options.client.clientId) } : undefined,
      configure: (c) => {
        Object.assign(c.session.properties, options.properties);
        Object.assign(c.session.variables, options.variables);
        c.session.setOutput(options.output);
      },
    }),
    { exitOnCtrlC: false, patchConsole: false },
  );
  await app.waitUntilExit();
}
