// Apache Kafka's Java consumer (kafka-clients 4.x) with group.protocol=consumer (KIP-848)
// against a broker: args = bootstrap. Two members share a 4-partition topic, the second
// joining while the first runs; every record is read once; commits land; AdminClient
// describes the group as a CONSUMER group; when one member leaves the other takes all.
// Prints one JSON object per step for test/broker/java-kip848.test.ts.

import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.serialization.*;

public class Kip848 {
  static void emit(String step, String json) { System.out.println("{\"step\":\"" + step + "\"," + json + "}"); System.out.flush(); }

  static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("group.protocol", "consumer");
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  static String parts(Set<TopicPartition> s) {
    List<Integer> l = new ArrayList<>();
    for (TopicPartition tp : s) l.add(tp.partition());
    Collections.sort(l);
    return l.toString();
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = "kip848", group = "kip848-group";
    Properties common = new Properties();
    common.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(common)) {
      admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Properties pp = new Properties();
    pp.putAll(common);
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
      for (int i = 0; i < 100; i++) producer.send(new ProducerRecord<>(topic, i % 4, "k" + i, "v" + i));
    }

    Set<String> seen = new HashSet<>();
    int duplicates = 0;
    KafkaConsumer<String, String> a = consumer(bootstrap, group);
    KafkaConsumer<String, String> b = consumer(bootstrap, group);
    a.subscribe(List.of(topic));
    // a alone first, reading only part of the data
    long deadline = System.currentTimeMillis() + 30_000;
    while (a.assignment().size() < 4 && System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<String, String> r : a.poll(Duration.ofMillis(200))) if (!seen.add(r.value())) duplicates++;
      if (!seen.isEmpty()) break;
    }
    a.commitSync();
    emit("firstMember", "\"assigned\":" + a.assignment().size());
    b.subscribe(List.of(topic));
    deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && (seen.size() < 100 || a.assignment().size() + b.assignment().size() < 4 || a.assignment().isEmpty() || b.assignment().isEmpty())) {
      for (ConsumerRecord<String, String> r : a.poll(Duration.ofMillis(100))) if (!seen.add(r.value())) duplicates++;
      a.commitSync();
      for (ConsumerRecord<String, String> r : b.poll(Duration.ofMillis(100))) if (!seen.add(r.value())) duplicates++;
      b.commitSync();
    }
    emit("shared", "\"records\":" + seen.size() + ",\"duplicates\":" + duplicates + ",\"a\":\"" + parts(a.assignment()) + "\",\"b\":\"" + parts(b.assignment()) + "\"");

    try (Admin admin = Admin.create(common)) {
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
      boolean listed = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().anyMatch(g -> g.groupId().equals(group) && g.type().map(t -> t == GroupType.CONSUMER).orElse(false));
      long committed = 0;
      for (OffsetAndMetadata o : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).values()) committed += o.offset();
      emit("describe", "\"type\":\"" + d.type() + "\",\"state\":\"" + d.groupState() + "\",\"members\":" + d.members().size() + ",\"listed\":" + listed + ",\"committed\":" + committed);
    }

    b.close();
    deadline = System.currentTimeMillis() + 60_000;
    while (a.assignment().size() < 4 && System.currentTimeMillis() < deadline) a.poll(Duration.ofMillis(200));
    emit("afterLeave", "\"a\":\"" + parts(a.assignment()) + "\"");
    a.close();
  }
}
