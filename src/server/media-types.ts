// Accept-header negotiation with q weights, over the media types ksqlDB's endpoints speak.

export const KSQL_V1_JSON = 'application/vnd.ksql.v1+json';
export const JSON_TYPE = 'application/json';
export const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';

interface Range {
  type: string;
  q: number;
  order: number;
}

function parseAccept(header: string): Range[] {
  return header
    .split(',')
    .map((part, order) => {
      const [type, ...params] = part.split(';').map((s) => s.trim());
      let q = 1;
      for (const p of params) {
        const m = /^q\s*=\s*([0-9.]+)$/i.exec(p);
        if (m) q = Number(m[1]);
      }
      return { type: (type ?? '').toLowerCase(), q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((r) => r.type.length > 0 && r.q > 0);
}

function matches(range: string, offered: string): boolean {
  if (range === '*/*' || range === offered) return true;
  if (range.endsWith('/*')) return offered.startsWith(range.slice(0, -1));
  return false;
}

/**
 * Picks the offered type the client prefers most (highest q, then header order, then our
 * order of preference). A missing or empty header means the first offered type; null
 * means nothing acceptable (406).
 */
export function negotiate(acceptHeader: string | undefined, offered: readonly string[]): string | null {
  if (!acceptHeader || acceptHeader.trim() === '') return offered[0] ?? null;
  const ranges = parseAccept(acceptHeader);
  let best: { type: string; q: number; specific: number; order: number; pref: number } | null = null;
  offered.forEach((type, pref) => {
    for (const r of ranges) {
      if (!matches(r.type, type)) continue;
      const specific = r.type === type ? 2 : r.type === '*/*' ? 0 : 1;
      const cand = { type, q: r.q, specific, order: r.order, pref };
      if (
        !best ||
        cand.q > best.q ||
        (cand.q === best.q && cand.specific > best.specific) ||
        (cand.q === best.q && cand.specific === best.specific && cand.order < best.order) ||
        (cand.q === best.q && cand.specific === best.specific && cand.order === best.order && cand.pref < best.pref)
      ) {
        best = cand;
      }
    }
  });
  return best ? (best as { type: string }).type : null;
}
