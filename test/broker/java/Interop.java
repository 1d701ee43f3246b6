// Drives Apache Kafka's own Java client (kafka-clients 4.x) against a broker: AdminClient
// topics and groups, a transactional producer (one committed, one aborted transaction), a
// classic-protocol group consumer reading committed records, and list offsets. Prints one
// JSON object per step for test/broker/java-interop.test.ts to check.

import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.*;

public class Interop {
  static String q(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }
  static void emit(String step, String json) { System.out.println("{\"step\":" + q(step) + "," + json + "}"); System.out.flush(); }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = "java-interop";
    Properties common = new Properties();
    common.put("bootstrap.servers", bootstrap);
    common.put("request.timeout.ms", "15000");
    common.put("default.api.timeout.ms", "30000");

    try (Admin admin = Admin.create(common)) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      emit("describeTopics", "\"name\":" + q(d.name()) + ",\"partitions\":" + d.partitions().size() + ",\"topicId\":" + q(d.topicId().toString()));
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      emit("listTopics", "\"hasTopic\":" + names.contains(topic));

      // describe, alter (incrementally: SET, APPEND to a list, DELETE) and describe again
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config before = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      Map<ConfigResource, Collection<AlterConfigOp>> ops = Map.of(res, List.of(
          new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND)));
      admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
      Config after = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      admin.incrementalAlterConfigs(Map.of(res, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE)))).all().get(30, TimeUnit.SECONDS);
      Config reset = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      String refused;
      try {
        admin.incrementalAlterConfigs(Map.of(res, List.of(new AlterConfigOp(new ConfigEntry("cleanup.policy", "sometimes"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        refused = "accepted";
      } catch (java.util.concurrent.ExecutionException e) {
        refused = e.getCause().getClass().getSimpleName();
      }
      emit("configs", "\"retentionBefore\":" + q(before.get("retention.ms").value())
          + ",\"retentionAfter\":" + q(after.get("retention.ms").value())
          + ",\"retentionSource\":" + q(String.valueOf(after.get("retention.ms").source()))
          + ",\"cleanupAfter\":" + q(after.get("cleanup.policy").value())
          + ",\"retentionReset\":" + q(reset.get("retention.ms").value())
          + ",\"resetIsDefault\":" + reset.get("retention.ms").isDefault()
          + ",\"badValue\":" + q(refused));
    }

    Properties pp = new Properties();
    pp.putAll(common);
    pp.put("transactional.id", "java-interop-tx");
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 10; i++) producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "committed-" + i));
      producer.commitTransaction();
      producer.beginTransaction();
      for (int i = 0; i < 5; i++) producer.send(new ProducerRecord<>(topic, i % 2, "a" + i, "aborted-" + i));
      producer.flush();
      producer.abortTransaction();
      emit("transactions", "\"committed\":10,\"aborted\":5");
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, 0, "open", "open")).get(30, TimeUnit.SECONDS);
      try (Admin admin = Admin.create(common)) {
        Collection<TransactionListing> listed = admin.listTransactions().all().get(30, TimeUnit.SECONDS);
        boolean found = listed.stream().anyMatch(l -> l.transactionalId().equals("java-interop-tx") && l.state() == TransactionState.ONGOING);
        TransactionDescription td = admin.describeTransactions(List.of("java-interop-tx")).all().get(30, TimeUnit.SECONDS).get("java-interop-tx");
        TopicPartition tp0 = new TopicPartition(topic, 0);
        List<ProducerState> active = admin.describeProducers(List.of(tp0)).partitionResult(tp0).get(30, TimeUnit.SECONDS).activeProducers();
        boolean open = active.stream().anyMatch(p -> p.producerId() == td.producerId() && p.currentTransactionStartOffset().isPresent());
        emit("txnAdmin", "\"listedOngoing\":" + found + ",\"state\":" + q(String.valueOf(td.state())) + ",\"partitions\":" + td.topicPartitions().size() + ",\"producerId\":" + td.producerId() + ",\"producerOpenOnPartition\":" + open);
      }
      producer.abortTransaction();
    }

    Properties cp = new Properties();
    cp.putAll(common);
    cp.put("group.id", "java-interop-group");
    cp.put("group.protocol", "classic");
    cp.put("isolation.level", "read_committed");
    cp.put("auto.offset.reset", "earliest");
    cp.put("enable.auto.commit", "false");
    cp.put("key.deserializer", StringDeserializer.class.getName());
    cp.put("value.deserializer", StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 60_000;
      while (values.size() < 10 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) values.add(r.value());
      }
      // a little longer: aborted records must never show up
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(1000))) values.add(r.value());
      consumer.commitSync();
      Collections.sort(values);
      StringBuilder sb = new StringBuilder();
      for (String v : values) sb.append(sb.length() == 0 ? "" : ",").append(q(v));
      emit("consume", "\"values\":[" + sb + "]");

      try (Admin admin = Admin.create(common)) {
        Collection<GroupListing> groups = admin.listGroups().all().get(30, TimeUnit.SECONDS);
        boolean listed = groups.stream().anyMatch(g -> g.groupId().equals("java-interop-group"));
        ConsumerGroupDescription g = admin.describeConsumerGroups(List.of("java-interop-group")).all().get(30, TimeUnit.SECONDS).get("java-interop-group");
        emit("groups", "\"listed\":" + listed + ",\"state\":" + q(String.valueOf(g.groupState())) + ",\"members\":" + g.members().size() + ",\"type\":" + q(String.valueOf(g.type())));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("java-interop-group").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long sum = 0;
        for (OffsetAndMetadata o : committed.values()) sum += o.offset();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        specs.put(new TopicPartition(topic, 0), OffsetSpec.latest());
        specs.put(new TopicPartition(topic, 1), OffsetSpec.earliest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offs = admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS);
        emit("offsets", "\"committedSum\":" + sum + ",\"latest0\":" + offs.get(new TopicPartition(topic, 0)).offset() + ",\"earliest1\":" + offs.get(new TopicPartition(topic, 1)).offset());
        String whileSubscribed;
        try {
          admin.deleteConsumerGroupOffsets("java-interop-group", Set.of(new TopicPartition(topic, 0))).all().get(30, TimeUnit.SECONDS);
          whileSubscribed = "deleted";
        } catch (java.util.concurrent.ExecutionException e) {
          whileSubscribed = e.getCause().getClass().getSimpleName();
        }
        emit("offsetDeleteLive", "\"result\":" + q(whileSubscribed));
      }
    }
    try (Admin admin = Admin.create(common)) {
      admin.deleteConsumerGroupOffsets("java-interop-group", Set.of(new TopicPartition(topic, 0))).all().get(30, TimeUnit.SECONDS);
      Set<TopicPartition> left = admin.listConsumerGroupOffsets("java-interop-group").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).keySet();
      emit("offsetDelete", "\"left\":" + q(left.toString()));
      int node = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
      Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node)).allDescriptions().get(30, TimeUnit.SECONDS).get(node);
      long size = 0;
      boolean hasSpace = false;
      for (LogDirDescription dd : dirs.values()) {
        ReplicaInfo ri = dd.replicaInfos().get(new TopicPartition(topic, 0));
        if (ri != null) size += ri.size();
        hasSpace |= dd.totalBytes().isPresent() && dd.usableBytes().isPresent();
      }
      emit("logDirs", "\"dirs\":" + dirs.size() + ",\"partition0Bytes\":" + size + ",\"space\":" + hasSpace);
    }
  }
}
