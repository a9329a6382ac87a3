package io.usersync.app.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A data directory a command makes for its own embedded servers and removes when it ends, so that runs of
 * the demo or the bench do not pile up in the temporary folder; or one the user named, which stays.
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
        return given != null ? new ScratchDirectory(given, false) : new ScratchDirectory(Files.createTempDirectory(prefix), true);
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
