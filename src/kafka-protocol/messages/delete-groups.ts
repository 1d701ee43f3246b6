// DeleteGroups (key 42), written by hand: its definition is not among the JSON files the
// generated messages come from. Bodies in the schema language of ../schema.ts.

import { defineMessage } from '../schema.js';

export const DeleteGroups = defineMessage(
  'DeleteGroups', 42, 2,
  `
  groupsNames []string 0+
  `,
  `
  throttleTimeMs int32 0+
  results [] 0+
    groupId string 0+
    errorCode int16 0+
  `,
  2,
);
