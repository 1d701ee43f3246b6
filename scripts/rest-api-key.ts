// Makes a REST API key: prints the key (give it to the client, as `Authorization: Bearer <key>`)
// and the line for the server's authentication.api.keys.file.
//   node --import tsx scripts/rest-api-key.ts KEY_ID admin|read-only

import { hashApiKey, newApiKey } from '../src/server/auth.js';

const [id, role] = process.argv.slice(2);
if (!id || (role !== 'admin' && role !== 'read-only')) {
  process.stderr.write('usage: node --import tsx scripts/rest-api-key.ts KEY_ID admin|read-only\n');
  process.exit(2);
}
const key = newApiKey();
process.stdout.write(`key: ${key}\nline: ${id}: ${hashApiKey(key)}, ${role}\n`);
