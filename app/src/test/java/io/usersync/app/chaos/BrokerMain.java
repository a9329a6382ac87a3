package io.usersync.app.chaos;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.KafkaQuorum;

/**
 * A Kafka broker in a JVM of its own: {@code BrokerMain <log directory> <quorum> <node id>} runs node {@code node id}
 * of the quorum ({@link KafkaQuorum#format()}) as an {@link EmbeddedKafkaBroker} with its data kept in the log
 * directory, until the JVM is stopped (a clean broker shutdown) or killed.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startNode(Path.of(args[0]), KafkaQuorum.parse(args[1]),
                Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        stopped.await();
    }
}
