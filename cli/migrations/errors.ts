/** A failure the migrations tool reports as one line and exit code 1. */
export class MigrationError extends Error {}
