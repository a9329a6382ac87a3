package io.usersync.app.chaos;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.usersync.embedded.EmbeddedKafkaBroker;

/**
 * A Kafka broker in a JVM of its own: {@code BrokerMain <log directory> <port>} runs {@link EmbeddedKafkaBroker} on
 * that port with its data kept there, until the JVM is stopped (a clean broker shutdown) or killed.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        stopped.await();
    }
}
