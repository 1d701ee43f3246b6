// The REST calls end-to-end tests make against a running server.

/** POST /ksql; resolves with the entities, rejects with the status and body on any other status. */
export async function ksql(url: string, sql: string, properties: Record<string, unknown> = {}): Promise<unknown[]> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: properties }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${text}`);
  return JSON.parse(text) as unknown[];
}
