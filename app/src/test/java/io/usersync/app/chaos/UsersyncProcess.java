package io.usersync.app.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One {@code ./usersync run} instance (the launcher and the jar this build packaged, as a user starts it) in a JVM of
 * its own, with its data directory and ops port kept across restarts, as a supervisor would run it: start,
 * {@code kill -9}, stop, start again; its {@code /health} read over HTTP.
 */
public final class UsersyncProcess implements AutoCloseable {

    /** A small heap and the quick compiler only, as in the image (docs/performance.md): several JVMs share the cores. */
    private static final String JVM_OPTIONS = "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Map<String, String> environment;
    private final Path dataDir;
    private final int httpPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).build();
    private JavaProcess process;

    /**
     * @param environment the instance's settings; the data directory, the ops port and a periodic reconcile
     *                    (off) are this class's
     */
    public UsersyncProcess(String name, Map<String, String> environment, Path dataDir, Path logDirectory) {
        this.name = name;
        this.dataDir = dataDir;
        this.httpPort = FreePort.next();
        this.log = logDirectory.resolve(name + ".log");
        Map<String, String> all = new HashMap<>(environment);
        all.put("USERSYNC_DATA_DIR", dataDir.toString());
        all.put("USERSYNC_HTTP_PORT", Integer.toString(httpPort));
        all.putIfAbsent("USERSYNC_RECONCILE_INTERVAL_S", "0");
        this.environment = Map.copyOf(all);
    }

    public synchronized UsersyncProcess start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        process = JavaProcess.usersyncLauncherRun(JVM_OPTIONS, environment, log);
        return this;
    }

    /** {@code kill -9}. */
    public synchronized void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM: a clean stop. */
    public synchronized void stop() throws InterruptedException {
        process.stop();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String name() {
        return name;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Every incarnation's output, appended. */
    public String logText() throws IOException {
        return Files.readString(log);
    }

    /** Each stage's status from {@code /health} ("UP", or "DOWN: reason"); empty while nothing answers. */
    public Map<String, String> health() throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                .timeout(HEALTH_TIMEOUT).build();
        try {
            JsonNode body = JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
            Map<String, String> stages = new HashMap<>();
            body.path("stages").fields().forEachRemaining(stage -> stages.put(stage.getKey(),
                    stage.getValue().path("status").asText() + ("UP".equals(stage.getValue().path("status").asText())
                            ? "" : ": " + stage.getValue().path("reason").asText())));
            return stages;
        } catch (IOException e) {
            // Nothing listens (a killed or starting process), or a dying one answered nothing.
            return Map.of();
        }
    }

    /** Every stage of this process answers UP. */
    public boolean isUp() throws InterruptedException {
        Map<String, String> health = health();
        return !health.isEmpty() && health.values().stream().allMatch("UP"::equals);
    }

    /** Waits until every stage of this process answers UP; fails at once if the process exits. */
    public void awaitUp(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).failFast(name + " exited", () -> !isAlive())
                .until(this::isUp);
    }

    /** The JVM's process id; its CPU time is in /proc. */
    public synchronized long pid() {
        return process.pid();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
