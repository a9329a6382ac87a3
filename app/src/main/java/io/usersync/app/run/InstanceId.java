package io.usersync.app.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.app.config.AppConfig;

/**
 * This instance's id, stable across its restarts: {@code USERSYNC_INSTANCE_ID}, or one made once and kept in the data
 * directory. The processor's and the sink's static group memberships are made of it, so an instance restarted after
 * a crash takes its partitions back at once; two instances running at the same time must never share it.
 */
public final class InstanceId {

    static final String FILE = "instance-id";
    private static final Logger log = LoggerFactory.getLogger(InstanceId.class);

    private InstanceId() {
    }

    /** The configuration with its instance id settled: the configured one, else the data directory's. */
    public static AppConfig settle(AppConfig config) {
        if (config.instance().instanceId().isPresent()) {
            return config;
        }
        try {
            return config.withInstanceId(kept(config.instance().dataDir()));
        } catch (UncheckedIOException e) {
            // Dynamic membership still works; a restart after a crash then waits for the session timeout.
            log.warn("{} ({}); the processor and the sink join their groups as dynamic members", e.getMessage(),
                    e.getCause().toString());
            return config;
        }
    }

    static String kept(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(dataDir);
            String id = "usersync-" + UUID.randomUUID();
            Path written = Files.writeString(dataDir.resolve(FILE + ".tmp"), id, StandardCharsets.UTF_8);
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or keep the instance id in " + file
                    + ". Fix: make USERSYNC_DATA_DIR writable, or set USERSYNC_INSTANCE_ID.", e);
        }
    }
}
