package io.usersync.app.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A data directory a command makes for its own embedded servers and removes when it ends, so that runs of
 * the demo or the bench do not pile up; or one the user named, which stays. It is made in the user's cache
 * folder, not the OS temp folder: Kafka Streams keeps its state in it and rightly warns of a state directory
 * the OS may clear.
 */
public final class ScratchDirectory implements AutoCloseable {

    private final Path path;
    private final boolean owned;

    private ScratchDirectory(Path path, boolean owned) {
        this.path = path;
        this.owned = owned;
    }

    /** The directory the user named, kept afterwards; or, when none, a new temporary one removed on close. */
    public static ScratchDirectory givenOrTemporary(Path given, String prefix) throws IOException {
        if (given != null) {
            return new ScratchDirectory(given, false);
        }
        Path root = Files.createDirectories(root(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home")));
        return new ScratchDirectory(Files.createTempDirectory(root, prefix), true);
    }

    /** {@code $XDG_CACHE_HOME/usersync}, else {@code ~/.cache/usersync}. */
    static Path root(String xdgCacheHome, String userHome) {
        Path cache = xdgCacheHome != null && !xdgCacheHome.isBlank() ? Path.of(xdgCacheHome) : Path.of(userHome, ".cache");
        return cache.resolve("usersync");
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (!owned || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }
}
