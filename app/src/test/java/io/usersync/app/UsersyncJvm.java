package io.usersync.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A usersync command in a JVM of its own, as the jar runs it: {@code java OPTIONS -cp <test class path>
 * io.usersync.app.Main ARGS}, under the production logback.xml, with only the environment it is given of usersync's and
 * Kafka's variables, its output in a log file. What a {@code kill -9} does to a process can only be seen this way.
 */
public final class UsersyncJvm {

    private UsersyncJvm() {
    }

    /** @param log where stdout and stderr go together */
    public static Process start(List<String> jvmOptions, List<String> arguments, Map<String, String> environment, Path log)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        // The production logging (the test classpath has logback-test.xml twice), as `usersync run` logs.
        command.add("-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath());
        command.addAll(List.of("-cp", classPath, Main.class.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(variable -> variable.startsWith("USERSYNC_") || variable.startsWith("KAFKA_"));
        builder.environment().putAll(environment);
        Files.createDirectories(log.toAbsolutePath().getParent());
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
