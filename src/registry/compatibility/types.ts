// What a compatibility check reports: one entry per broken rule, worded like Confluent's
// registry ({errorType:'…', description:'…', additionalInfo:'…'}), naming the field and rule.

export interface Incompatibility {
  errorType: string;
  description: string;
  additionalInfo?: string;
}

/** A schema ready to compare: its text and the texts of the schemas it references, by reference name. */
export interface ResolvedSchema {
  schema: string;
  references: Record<string, string>;
}

/** Which side of the comparison is the new schema: wording only. */
export interface Roles {
  reader: 'new' | 'old';
  writer: 'new' | 'old';
}

export function formatIncompatibility(i: Incompatibility): string {
  const info = i.additionalInfo !== undefined ? `, additionalInfo:'${i.additionalInfo}'` : '';
  return `{errorType:'${i.errorType}', description:'${i.description}'${info}}`;
}
