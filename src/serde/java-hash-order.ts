// The iteration order of a java.util.HashMap. ksqlDB's JSON deserializer builds every MAP
// value as `new HashMap<>(size)`, so functions that walk a map (REDUCE, TRANSFORM, MAP_KEYS…)
// see its entries in that order, not in the document's.

/** java.lang.String#hashCode: UTF-16 code units, 32-bit overflow. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The table size `new HashMap<>(expected)` has once `size` distinct keys are in (load factor 0.75). */
function tableSize(expected: number, size: number): number {
  let cap = 1;
  while (cap < expected) cap *= 2;
  while (size > Math.floor(cap * 0.75)) cap *= 2;
  return cap;
}

/**
 * String keys put in the given order into `new HashMap<>(keys.length)`, in the order the map
 * iterates them: by bucket (the spread hash masked to the table size), then by insertion
 * within a bucket (resizes keep that relative order). Keys are expected distinct. Buckets
 * of 8 or more colliding keys, which Java turns into trees, are not modelled.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  if (keys.length < 2) return [...keys];
  const mask = tableSize(keys.length, keys.length) - 1;
  const bucketOf = (k: string): number => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & mask;
  };
  return keys
    .map((k, i) => ({ k, i, b: bucketOf(k) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.k);
}
