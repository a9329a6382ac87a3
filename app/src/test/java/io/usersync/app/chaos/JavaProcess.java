package io.usersync.app.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own, its output in a log file: a class of the test classpath (a broker, a compose service), or
 * {@code ./usersync run} through the launcher.
 * It can be stopped as an operator would (SIGTERM, shutdown hooks run) or killed with {@code kill -9}.
 */
public final class JavaProcess implements AutoCloseable {

    private final Path log;
    private final Process process;

    private JavaProcess(Path log, Process process) {
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code mainClass} with the test classpath under the production logging (the test classpath has
     * logback-test.xml twice), with no USERSYNC_ or KAFKA_ variable of this environment but those given.
     *
     * @param log appended to, so that every incarnation of a restarted process is in one file
     */
    public static JavaProcess start(Class<?> mainClass, List<String> jvmOptions, List<String> arguments,
            Map<String, String> environment, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java,
                "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(variable -> variable.startsWith("USERSYNC_") || variable.startsWith("KAFKA_"));
        builder.environment().putAll(environment);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new JavaProcess(log, process);
    }

    /**
     * {@code ./usersync run} as a user starts it: the checkout's launcher, which runs the jar this build packaged
     * with the class-data archive the build recorded for this machine's JVM, under {@code USERSYNC_JAVA_OPTS}.
     * The launcher replaces itself with the JVM, so {@link #kill()} kills usersync.
     */
    public static JavaProcess usersyncLauncherRun(String javaOptions, Map<String, String> environment, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of("..", "usersync").toAbsolutePath().normalize().toString(), "run");
        builder.environment().keySet().removeIf(variable -> variable.startsWith("USERSYNC_") || variable.startsWith("KAFKA_"));
        builder.environment().putAll(environment);
        builder.environment().put("USERSYNC_JAVA_OPTS", javaOptions);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new JavaProcess(log, process);
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** @throws IllegalThreadStateException while it runs */
    public int exitValue() {
        return process.exitValue();
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM and wait for the shutdown hooks; {@code kill -9} after a minute. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            kill();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
