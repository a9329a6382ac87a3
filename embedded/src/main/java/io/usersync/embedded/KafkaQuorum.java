package io.usersync.embedded;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of combined broker-and-controller nodes on loopback: the cluster id every node's storage is
 * formatted with, and each node's id and ports. Every node is a voter, so the cluster keeps a controller quorum and
 * serves clients while a minority of nodes is down. Each node is started with the same quorum
 * ({@link EmbeddedKafkaBroker#startNode}), typically in a process of its own.
 */
public record KafkaQuorum(String clusterId, List<Node> nodes) {

    /** One node: its {@code node.id}, client (PLAINTEXT) port and controller port. */
    public record Node(int id, int clientPort, int controllerPort) {
    }

    public KafkaQuorum {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a quorum needs at least one node");
        }
    }

    /** {@code size} nodes with ids 1..size on free loopback ports, and a new cluster id. */
    public static KafkaQuorum onFreePorts(int size) {
        List<Node> nodes = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            nodes.add(new Node(id, FreePorts.next(), FreePorts.next()));
        }
        return new KafkaQuorum(Uuid.randomUuid().toString(), nodes);
    }

    /** A quorum of one node, id 1, with its client listener on {@code clientPort}: a single broker. */
    static KafkaQuorum alone(int clientPort) {
        return new KafkaQuorum(Uuid.randomUuid().toString(), List.of(new Node(1, clientPort, FreePorts.next())));
    }

    /** The form {@link #parse} reads, for a command line: {@code <cluster id>/<id>:<client port>:<controller port>,...}. */
    public String format() {
        return clusterId + "/" + nodes.stream().map(node -> node.id() + ":" + node.clientPort() + ":" + node.controllerPort())
                .collect(Collectors.joining(","));
    }

    public static KafkaQuorum parse(String text) {
        String[] parts = text.split("/", 2);
        List<Node> nodes = Arrays.stream(parts[1].split(",")).map(node -> node.split(":"))
                .map(fields -> new Node(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]), Integer.parseInt(fields[2])))
                .toList();
        return new KafkaQuorum(parts[0], nodes);
    }

    public Node node(int id) {
        return nodes.stream().filter(node -> node.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + " in the quorum"));
    }

    /** {@code controller.quorum.voters}: every node. */
    public String voters() {
        return nodes.stream().map(node -> node.id() + "@127.0.0.1:" + node.controllerPort()).collect(Collectors.joining(","));
    }

    /** Every node's client listener. */
    public String bootstrapServers() {
        return nodes.stream().map(node -> "127.0.0.1:" + node.clientPort()).collect(Collectors.joining(","));
    }

    /** Every node holds a replica of every partition, up to three. */
    public int replicationFactor() {
        return Math.min(3, nodes.size());
    }

    /** One replica fewer than there are: an acknowledged write survives the loss of any one node, and writes go on without it. */
    public int minInSyncReplicas() {
        return Math.max(1, replicationFactor() - 1);
    }
}
