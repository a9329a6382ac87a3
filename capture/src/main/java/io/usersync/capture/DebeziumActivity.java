package io.usersync.capture;

import java.lang.management.ManagementFactory;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Debezium reads the database, from the metrics its PostgreSQL connector registers in this JVM: its snapshot
 * runs, or its streaming is connected. Neither holds while the connector waits to restart after it lost the database
 * (a restart of PostgreSQL, a network failure): the engine itself still runs then, and says nothing.
 */
final class DebeziumActivity {

    private static final Logger log = LoggerFactory.getLogger(DebeziumActivity.class);

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName snapshot;
    private final ObjectName streaming;

    /** @param topicPrefix the connector's {@code topic.prefix}, which names its metrics: the slot name, {@code [a-z0-9_]} */
    DebeziumActivity(String topicPrefix) {
        this.snapshot = metrics("snapshot", topicPrefix);
        this.streaming = metrics("streaming", topicPrefix);
    }

    private static ObjectName metrics(String context, String topicPrefix) {
        try {
            return new ObjectName("debezium.postgres:type=connector-metrics,context=" + context + ",server=" + topicPrefix);
        } catch (JMException e) {
            throw new IllegalArgumentException("no metrics name for topic prefix " + topicPrefix, e);
        }
    }

    boolean readingTheDatabase() {
        return isTrue(snapshot, "SnapshotRunning") || isTrue(streaming, "Connected");
    }

    private boolean isTrue(ObjectName metrics, String attribute) {
        try {
            return Boolean.TRUE.equals(server.getAttribute(metrics, attribute));
        } catch (InstanceNotFoundException e) {
            // Not registered: the connector is starting, or stopped its sources to restart them.
            return false;
        } catch (JMException e) {
            log.debug("Cannot read {} of {}", attribute, metrics, e);
            return false;
        }
    }
}
