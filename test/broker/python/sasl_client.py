"""confluent-kafka against a SASL_SSL broker: argv = bootstrap ca_file user password mode.
mode produce: writes 3 records to 'ledger' and prints {"delivered": n, "errors": [...]};
mode consume: reads 'ledger' from the start and prints {"values": [...]};
mode metadata: lists topics, prints {"topics": [...]} or {"error": "..."}."""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer

bootstrap, ca, user, password, mode = sys.argv[1:6]
conf = {
    "bootstrap.servers": bootstrap,
    "security.protocol": "SASL_SSL",
    "sasl.mechanisms": "SCRAM-SHA-512",
    "sasl.username": user,
    "sasl.password": password,
    "ssl.ca.location": ca,
}

if mode == "produce":
    errors = []
    delivered = []

    def report(err, msg):
        if err is not None:
            errors.append(err.name())
        else:
            delivered.append(msg.offset())

    p = Producer({**conf, "message.timeout.ms": 8000})
    for i in range(3):
        p.produce("ledger", key=f"k{i}", value=f"v{i}", on_delivery=report)
    p.flush(15)
    print(json.dumps({"delivered": len(delivered), "errors": errors}))
elif mode == "consume":
    c = Consumer({**conf, "group.id": "py-ledger", "auto.offset.reset": "earliest"})
    c.subscribe(["ledger"])
    values = []
    deadline = time.time() + 20
    while len(values) < 3 and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        values.append(m.value().decode())
    c.close()
    print(json.dumps({"values": values}))
else:
    seen = []
    client = Producer({**conf, "error_cb": lambda e: seen.append(e.str())})
    deadline = time.time() + 8
    while not seen and time.time() < deadline:
        client.poll(0.2)
    try:
        md = client.list_topics(timeout=2)
        print(json.dumps({"topics": sorted(md.topics)}))
    except KafkaException as e:
        print(json.dumps({"error": str(e), "errors": seen}))
