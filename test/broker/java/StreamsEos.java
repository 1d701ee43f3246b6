// A Kafka Streams (4.x) word count with processing.guarantee=exactly_once_v2 against a
// broker: args = bootstrap, state dir. Writes lines to words-in, runs the topology until the
// read_committed output holds a count for every word, and prints the last count per word
// as JSON for test/broker/java-streams.test.ts.

import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.serialization.*;
import org.apache.kafka.streams.*;
import org.apache.kafka.streams.kstream.*;

public class StreamsEos {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], stateDir = args[1];
    Properties common = new Properties();
    common.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(common)) {
      admin.createTopics(List.of(new NewTopic("words-in", 2, (short) 1), new NewTopic("counts-out", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    String[] lines = { "the quick brown fox", "jumps over the lazy dog", "the dog barks", "a fox runs", "the end" };
    Map<String, Long> expected = new TreeMap<>();
    Properties pp = new Properties();
    pp.putAll(common);
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
      for (int round = 0; round < 20; round++) {
        for (String line : lines) {
          producer.send(new ProducerRecord<>("words-in", "line" + round, line));
          for (String w : line.split(" ")) expected.merge(w, 1L, Long::sum);
        }
      }
    }

    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("words-in", Consumed.with(Serdes.String(), Serdes.String()))
      .flatMapValues(v -> Arrays.asList(v.toLowerCase().split(" ")))
      .groupBy((k, w) -> w, Grouped.with(Serdes.String(), Serdes.String()))
      .count(Materialized.as("word-counts"))
      .toStream()
      .to("counts-out", Produced.with(Serdes.String(), Serdes.Long()));
    Properties sp = new Properties();
    sp.putAll(common);
    sp.put(StreamsConfig.APPLICATION_ID_CONFIG, "eddy-wordcount");
    sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    sp.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    sp.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
    sp.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
    sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    Map<String, Long> seen = new TreeMap<>();
    try (KafkaStreams streams = new KafkaStreams(builder.build(), sp)) {
      streams.start();
      Properties cp = new Properties();
      cp.putAll(common);
      cp.put("group.id", "counts-reader");
      cp.put("isolation.level", "read_committed");
      cp.put("auto.offset.reset", "earliest");
      cp.put("key.deserializer", StringDeserializer.class.getName());
      cp.put("value.deserializer", LongDeserializer.class.getName());
      try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(cp)) {
        consumer.subscribe(List.of("counts-out"));
        long deadline = System.currentTimeMillis() + 150_000;
        while (!seen.equals(expected) && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(300))) seen.put(r.key(), r.value());
        }
      }
      System.out.println("{\"step\":\"state\",\"state\":\"" + streams.state() + "\"}");
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Long> e : seen.entrySet()) sb.append(sb.length() == 0 ? "" : ",").append("\"").append(e.getKey()).append("\":").append(e.getValue());
    StringBuilder ex = new StringBuilder();
    for (Map.Entry<String, Long> e : expected.entrySet()) ex.append(ex.length() == 0 ? "" : ",").append("\"").append(e.getKey()).append("\":").append(e.getValue());
    System.out.println("{\"step\":\"counts\",\"counts\":{" + sb + "},\"expected\":{" + ex + "}}");
  }
}
