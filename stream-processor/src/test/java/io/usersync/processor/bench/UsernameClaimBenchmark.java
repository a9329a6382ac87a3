package io.usersync.processor.bench;

import java.util.UUID;

import org.apache.kafka.streams.state.KeyValueStore;

import io.usersync.processor.username.InMemoryStores;
import io.usersync.processor.username.UsernameBase;
import io.usersync.processor.username.UsernameRegistry;

/**
 * Claims on one shared base ({@code user}, as every anonymous or phone-only user has) through the
 * {@link UsernameRegistry} on Kafka's in-memory store, for several counts of users already holding a
 * candidate of it. The holders are written straight into the store, as an existing deployment has them;
 * one untimed claim goes first. Prints the time per claim; asserts nothing.
 *
 * <p>Run: {@code mvn -q -pl stream-processor -am install -DskipTests && mvn -q -pl stream-processor
 * test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.usersync.processor.bench.UsernameClaimBenchmark
 * -Dexec.args="CLAIMS USERS..."}
 */
public final class UsernameClaimBenchmark {

    public static void main(String[] args) {
        int claims = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int[] counts = args.length > 1 ? new int[args.length - 1] : new int[] {1_000, 10_000, 100_000};
        for (int i = 1; i < args.length; i++) {
            counts[i - 1] = Integer.parseInt(args[i]);
        }
        for (int round = 0; round < 2; round++) {
            for (int users : counts) {
                double micros = microsPerClaim(users, claims);
                if (round == 1) {
                    System.out.printf("%,9d users on base '%s': %,12.1f us per claim (%d claims)%n",
                            users, UsernameBase.FALLBACK, micros, claims);
                }
            }
        }
    }

    private static double microsPerClaim(int users, int claims) {
        KeyValueStore<String, String> owners = InMemoryStores.strings("usernames");
        for (int n = 1; n <= users; n++) {
            owners.put(UsernameBase.candidate(UsernameBase.FALLBACK, n), UUID.randomUUID().toString());
        }
        UsernameRegistry registry = InMemoryStores.registry(owners, false);
        registry.claim(UUID.randomUUID().toString(), UsernameBase.FALLBACK, null);
        String[] ids = new String[claims];
        for (int i = 0; i < claims; i++) {
            ids[i] = UUID.randomUUID().toString();
        }
        long start = System.nanoTime();
        for (String id : ids) {
            registry.claim(id, UsernameBase.FALLBACK, null);
        }
        return (System.nanoTime() - start) / 1_000.0 / claims;
    }
}
