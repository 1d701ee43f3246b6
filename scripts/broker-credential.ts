// Prints a line for the embedded broker's SASL credentials file
// (eddy.broker.sasl.credentials.file): the user's salted SCRAM-SHA-256 and -512 credentials.
//   node --import tsx scripts/broker-credential.ts USER [PASSWORD]   (PASSWORD from stdin if left out)

import fs from 'node:fs';
import { credentialLine } from '../src/broker/security/credentials.js';

const [user, given] = process.argv.slice(2);
if (!user) {
  process.stderr.write('usage: node --import tsx scripts/broker-credential.ts USER [PASSWORD]\n');
  process.exit(2);
}
const password = given ?? fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '');
process.stdout.write(credentialLine(user, password) + '\n');
