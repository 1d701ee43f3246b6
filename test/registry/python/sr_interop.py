"""Schema Registry interop with confluent-kafka's serializers, driven by test/registry/python-interop.test.ts.

produce <bootstrap> <registry>: writes ROWS to py_avro (AvroSerializer), py_proto (ProtobufSerializer)
  and py_json (JSONSerializer), registering their schemas.
consume <bootstrap> <registry> <topic> <n>: reads n records with AvroDeserializer; prints them as JSON lines.
"""
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

ROWS = [
    {"id": 1, "name": "ann", "score": 1.5},
    {"id": 2, "name": "bob", "score": 2.5},
    {"id": 3, "name": "cy", "score": 3.5},
]

AVRO_SCHEMA = json.dumps({
    "type": "record", "name": "Person", "namespace": "interop",
    "fields": [{"name": "id", "type": "int"}, {"name": "name", "type": "string"}, {"name": "score", "type": "double"}],
})

JSON_SCHEMA = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#", "title": "Person", "type": "object",
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "score": {"type": "number"}},
    "required": ["id", "name", "score"],
})


def person_message_class():
    """A protobuf message class built at run time (no protoc): message interop.Person { int32 id = 1; string name = 2; double score = 3; }"""
    fdp = descriptor_pb2.FileDescriptorProto(name="person.proto", package="interop", syntax="proto3")
    msg = fdp.message_type.add(name="Person")
    F = descriptor_pb2.FieldDescriptorProto
    for number, (name, typ) in enumerate([("id", F.TYPE_INT32), ("name", F.TYPE_STRING), ("score", F.TYPE_DOUBLE)], start=1):
        msg.field.add(name=name, number=number, type=typ, label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("interop.Person"))


def produce(bootstrap, registry):
    sr = SchemaRegistryClient({"url": registry})
    producer = Producer({"bootstrap.servers": bootstrap})
    avro_ser = AvroSerializer(sr, AVRO_SCHEMA)
    json_ser = JSONSerializer(JSON_SCHEMA, sr)
    Person = person_message_class()
    proto_ser = ProtobufSerializer(Person, sr, {"use.deprecated.format": False})
    for row in ROWS:
        producer.produce("py_avro", value=avro_ser(row, SerializationContext("py_avro", MessageField.VALUE)))
        producer.produce("py_json", value=json_ser(row, SerializationContext("py_json", MessageField.VALUE)))
        producer.produce("py_proto", value=proto_ser(Person(**row), SerializationContext("py_proto", MessageField.VALUE)))
    left = producer.flush(30)
    print(json.dumps({"unflushed": left, "subjects": sorted(sr.get_subjects())}))


def consume(bootstrap, registry, topic, n):
    sr = SchemaRegistryClient({"url": registry})
    deser = AvroDeserializer(sr)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-interop-" + topic, "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    got = []
    import time
    deadline = time.time() + 40
    while len(got) < n and time.time() < deadline:
        m = consumer.poll(1.0)
        if m is None or m.error():
            continue
        got.append(deser(m.value(), SerializationContext(topic, MessageField.VALUE)))
    consumer.close()
    print(json.dumps(got))


if __name__ == "__main__":
    if sys.argv[1] == "produce":
        produce(sys.argv[2], sys.argv[3])
    else:
        consume(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
