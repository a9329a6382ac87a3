package io.usersync.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Makes a directory and everything in it read-only for every process, as a disk remounted read-only would, and
 * writable again. For root, whom file modes do not stop, with the immutable attribute ({@code chattr -R +i}); for
 * anyone else with the modes ({@code chmod -R a-w}).
 */
public final class ReadOnlyTree {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private ReadOnlyTree() {
    }

    /** Aborts the test when this machine's file system or user cannot be kept from writing there. */
    public static void makeReadOnly(Path root) throws IOException, InterruptedException {
        run(ROOT ? List.of("chattr", "-R", "+i", root.toString()) : List.of("chmod", "-R", "a-w", root.toString()));
        Path probe = root.resolve("write-probe");
        try {
            Files.writeString(probe, "");
        } catch (IOException expected) {
            return;
        }
        Files.delete(probe);
        makeWritable(root);
        Assumptions.abort("this user can still write " + root + " after it was made read-only on this file system");
    }

    public static void makeWritable(Path root) throws IOException, InterruptedException {
        run(ROOT ? List.of("chattr", "-R", "-i", root.toString()) : List.of("chmod", "-R", "u+w", root.toString()));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.exitValue() != 0) {
            Assumptions.abort(String.join(" ", command) + " failed on this machine: " + output);
        }
    }
}
