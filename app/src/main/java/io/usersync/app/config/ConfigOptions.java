package io.usersync.app.config;

import java.util.HashMap;
import java.util.Map;

import io.usersync.app.logging.LogOutput;
import picocli.CommandLine.Option;

/** Flags shared by the commands; each overrides the environment variable it names. */
public final class ConfigOptions {

    @Option(names = "--db-url", description = "USERSYNC_DB_URL: JDBC URL; unset for embedded PostgreSQL")
    String dbUrl;

    @Option(names = "--kafka", description = "KAFKA_BOOTSTRAP_SERVERS; unset for an in-process broker")
    String kafka;

    @Option(names = "--http-port",
            description = "USERSYNC_HTTP_PORT (default " + Setting.Defaults.HTTP_PORT + "; 0 for any free port)")
    String httpPort;

    @Option(names = "--data-dir", description = "USERSYNC_DATA_DIR (default " + Setting.Defaults.DATA_DIR + ")")
    String dataDir;

    @Option(names = "--stages", description = "USERSYNC_STAGES: capture,process,sink or a part of it")
    String stages;

    @Option(names = "--set", paramLabel = "VARIABLE=VALUE", description = "any other setting, e.g. --set USERSYNC_SINK_BATCH_SIZE=1000")
    Map<String, String> settings = new HashMap<>();

    /** The flags given, keyed by the variable each stands for. */
    public Map<String, String> overrides() {
        Map<String, String> overrides = new HashMap<>(settings);
        put(overrides, Setting.DB_URL, dbUrl);
        put(overrides, Setting.KAFKA_BOOTSTRAP_SERVERS, kafka);
        put(overrides, Setting.HTTP_PORT, httpPort);
        put(overrides, Setting.DATA_DIR, dataDir);
        put(overrides, Setting.STAGES, stages);
        return overrides;
    }

    private static void put(Map<String, String> overrides, Setting setting, String value) {
        if (value != null) {
            overrides.put(setting.variable(), value);
        }
    }

    /**
     * The configuration of the environment and these flags. Every command that takes them loads it first, so this
     * is where the log takes {@code USERSYNC_LOG_FORMAT}'s format; until then it is logback.xml's plain text.
     */
    public AppConfig load() {
        return load(Map.of());
    }

    /** As {@link #load()}, with a command's own flags that stand for settings; they win over the shared ones. */
    public AppConfig load(Map<String, String> commandOverrides) {
        Map<String, String> overrides = overrides();
        overrides.putAll(commandOverrides);
        AppConfig config = ConfigLoader.load(System.getenv(), overrides);
        LogOutput.toStandardError(config.instance().logFormat());
        return config;
    }
}
