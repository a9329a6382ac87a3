package io.usersync.processor.topology;

import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@code user-state} store's value, written and read by the JSON serde of earlier releases and by
 * {@link UserStateSerde}: bytes per state and nanoseconds per write and per read, for the states a typical
 * Google sign-up goes through. Rounds alternate the two serdes; the first round warms up and is not printed;
 * the figure is the median of the others. Prints; asserts nothing.
 *
 * <p>Run: {@code mvn -q -pl stream-processor -am install -DskipTests && mvn -q -pl stream-processor
 * test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.usersync.processor.topology.UserStateSerdeBenchmark -Dexec.args="OPERATIONS ROUNDS"}
 */
public final class UserStateSerdeBenchmark {

    private static final String TOPIC = "usersync-processor-user-state-changelog";

    private UserStateSerdeBenchmark() {
    }

    public static void main(String[] args) {
        int operations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        UserState published = UserStates.googleSignUp();
        UserState pending = UserState.awaitingUsername(published.lsn(), published.tsMs(), published.row(), false, false);
        List<Candidate> candidates = List.of(new Candidate("json (old)", new JsonSerde<>(UserState.class)),
                new Candidate("binary v1 (new)", new UserStateSerde()));

        System.out.printf("bytes per value (a changelog record adds the 36-byte user id and Kafka's overhead)%n");
        for (Candidate candidate : candidates) {
            System.out.printf("  %-16s published %,5d   awaiting username %,5d   deleted %,3d%n", candidate.name,
                    candidate.write(published).length, candidate.write(pending).length,
                    candidate.write(UserState.deleted(published.lsn(), published.tsMs(), published.username(), SentOutputs.NOTHING)).length);
        }

        double[][] writes = new double[candidates.size()][rounds];
        double[][] reads = new double[candidates.size()][rounds];
        for (int round = 0; round <= rounds; round++) {
            for (int c = 0; c < candidates.size(); c++) {
                double[] timings = candidates.get(c).time(published, operations);
                if (round > 0) {
                    writes[c][round - 1] = timings[0];
                    reads[c][round - 1] = timings[1];
                }
            }
        }
        System.out.printf("ns per operation on the published state, median of %d rounds of %,d%n", rounds, operations);
        for (int c = 0; c < candidates.size(); c++) {
            System.out.printf("  %-16s write %,7.0f   read %,7.0f%n", candidates.get(c).name, median(writes[c]),
                    median(reads[c]));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static final class Candidate {

        private final String name;
        private final Serializer<UserState> serializer;
        private final Deserializer<UserState> deserializer;
        /** A field the results go into, so that the JIT cannot drop the work as unused. */
        private long sink;

        Candidate(String name, Serde<UserState> serde) {
            this.name = name;
            this.serializer = serde.serializer();
            this.deserializer = serde.deserializer();
        }

        byte[] write(UserState state) {
            byte[] bytes = serializer.serialize(TOPIC, state);
            if (!deserializer.deserialize(TOPIC, bytes).equals(state)) {
                throw new IllegalStateException(name + " does not read back what it wrote");
            }
            return bytes;
        }

        /** Nanoseconds per write and per read. */
        double[] time(UserState state, int operations) {
            byte[] bytes = write(state);
            long start = System.nanoTime();
            for (int i = 0; i < operations; i++) {
                sink += serializer.serialize(TOPIC, state).length;
            }
            long written = System.nanoTime();
            for (int i = 0; i < operations; i++) {
                sink += deserializer.deserialize(TOPIC, bytes).lsn();
            }
            long read = System.nanoTime();
            return new double[] {(written - start) / (double) operations, (read - written) / (double) operations};
        }
    }
}
