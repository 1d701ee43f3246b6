// A protobufjs root with the files every Confluent protobuf schema may import without a
// reference: google/protobuf's well-known types, google.type's Date and TimeOfDay, and
// confluent.type.Decimal.

import protobuf from 'protobufjs';

const GOOGLE_TYPE = `
syntax = "proto3";
package google.type;
message Date { int32 year = 1; int32 month = 2; int32 day = 3; }
message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }
`;
const CONFLUENT_DECIMAL = `
syntax = "proto3";
package confluent.type;
message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }
`;

export function wellKnownRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const f of ['google/protobuf/wrappers.proto', 'google/protobuf/timestamp.proto']) {
    root.addJSON(protobuf.common.get(f)!.nested!);
  }
  protobuf.parse(GOOGLE_TYPE, root, { keepCase: true });
  protobuf.parse(CONFLUENT_DECIMAL, root, { keepCase: true });
  return root;
}
