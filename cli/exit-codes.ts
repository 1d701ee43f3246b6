// What `eddy -e/-f` and the other commands tell a script through their exit code.

import { ConnectionError } from './client.js';

export const EXIT = {
  /** Everything ran. */
  OK: 0,
  /** A statement failed: the server refused it or it failed while running. */
  STATEMENT_FAILED: 1,
  /** The command line is wrong: an unknown flag or a bad value. */
  USAGE: 2,
  /** The server could not be reached, or the connection was lost on the way. */
  UNREACHABLE: 3,
  /** Interrupted (Ctrl-C), as shells report a SIGINT. */
  INTERRUPTED: 130,
} as const;

/** The exit code of a script run that ended `ok` or with `failure`. */
export function scriptExitCode(ok: boolean, failure: unknown, interrupted: boolean): number {
  if (interrupted) return EXIT.INTERRUPTED;
  if (ok) return EXIT.OK;
  return failure instanceof ConnectionError ? EXIT.UNREACHABLE : EXIT.STATEMENT_FAILED;
}
