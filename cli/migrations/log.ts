// What the migrations tool prints: information on stdout, errors on stderr.

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function streamLog(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Log {
  return {
    info: (m) => stdout.write(m + '\n'),
    warn: (m) => stderr.write('WARNING: ' + m + '\n'),
    error: (m) => stderr.write('ERROR: ' + m + '\n'),
  };
}
