package io.usersync.app.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.usersync.embedded.KafkaQuorum;

/**
 * A KRaft cluster of {@code n} combined broker-and-controller nodes, each a {@link BrokerProcess} with its data in a
 * directory of its own. With three nodes every topic has three replicas and min.insync.replicas 2
 * ({@link KafkaQuorum}): it serves producers and keeps a controller quorum with any one node down.
 */
public final class KafkaCluster implements AutoCloseable {

    private final KafkaQuorum quorum;
    private final List<BrokerProcess> nodes;

    private KafkaCluster(KafkaQuorum quorum, List<BrokerProcess> nodes) {
        this.quorum = quorum;
        this.nodes = nodes;
    }

    /** Starts every node at once (none answers before a majority is up) and returns once each answers. */
    public static KafkaCluster start(Path dataDirectory, Path logDirectory, int size) throws Exception {
        KafkaQuorum quorum = KafkaQuorum.onFreePorts(size);
        List<BrokerProcess> nodes = new ArrayList<>();
        for (KafkaQuorum.Node node : quorum.nodes()) {
            nodes.add(new BrokerProcess(dataDirectory.resolve("node-" + node.id()), logDirectory, quorum, node.id()));
        }
        KafkaCluster cluster = new KafkaCluster(quorum, List.copyOf(nodes));
        try {
            for (BrokerProcess node : nodes) {
                node.launch();
            }
            nodes.forEach(BrokerProcess::awaitReady);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Every node's client listener. */
    public String bootstrapServers() {
        return quorum.bootstrapServers();
    }

    /** @param id 1 to the cluster's size */
    public BrokerProcess node(int id) {
        return nodes.get(id - 1);
    }

    public List<BrokerProcess> nodes() {
        return nodes;
    }

    /** Stops every node at once, while they still form a quorum that can move leadership off each of them. */
    @Override
    public void close() throws Exception {
        Processes.closeAll(nodes);
    }
}
