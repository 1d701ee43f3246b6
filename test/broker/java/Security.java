// Apache Kafka's Java client (kafka-clients 4.x) against a SASL_SSL broker with ACLs:
// args = bootstrap, CA file (PEM). The super user "admin" creates a topic and ACLs, "alice"
// produces with SCRAM-SHA-512, "bob" (no WRITE) is refused, a wrong password is refused.
// Prints one JSON object per step for test/broker/java-security.test.ts.

import java.util.*;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.acl.*;
import org.apache.kafka.common.errors.*;
import org.apache.kafka.common.resource.*;
import org.apache.kafka.common.serialization.*;

public class Security {
  static void emit(String step, String json) { System.out.println("{\"step\":\"" + step + "\"," + json + "}"); System.out.flush(); }

  static Properties props(String bootstrap, String ca, String user, String password) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", "SCRAM-SHA-512");
    p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";");
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", ca);
    p.put("request.timeout.ms", "15000");
    p.put("default.api.timeout.ms", "20000");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("max.block.ms", "15000");
    p.put("delivery.timeout.ms", "20000");
    return p;
  }

  static String causeName(Throwable e) {
    while (e instanceof ExecutionException && e.getCause() != null) e = e.getCause();
    return e.getClass().getSimpleName();
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], ca = args[1], topic = "java-secure";
    try (Admin admin = Admin.create(props(bootstrap, ca, "admin", "admin-pw"))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      admin.createAcls(List.of(
        new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW)),
        new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), new AccessControlEntry("User:bob", "*", AclOperation.READ, AclPermissionType.ALLOW))
      )).all().get(30, TimeUnit.SECONDS);
      Collection<AclBinding> acls = admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
      emit("acls", "\"count\":" + acls.size());
    }
    try (KafkaProducer<String, String> alice = new KafkaProducer<>(props(bootstrap, ca, "alice", "alice-pw"))) {
      long offset = alice.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS).offset();
      emit("aliceProduce", "\"offset\":" + offset);
    }
    try (KafkaProducer<String, String> bob = new KafkaProducer<>(props(bootstrap, ca, "bob", "bob-pw"))) {
      String error = "none";
      try {
        bob.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        error = causeName(e);
      }
      emit("bobProduce", "\"error\":\"" + error + "\"");
    }
    try (Admin wrong = Admin.create(props(bootstrap, ca, "alice", "wrong-pw"))) {
      String error = "none";
      try {
        wrong.listTopics().names().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        error = causeName(e);
      }
      emit("wrongPassword", "\"error\":\"" + error + "\"");
    }
  }
}
