package io.usersync.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.usersync.schemas.testing.FilesHolding;

/** What a broker's files hold, read from its log directory as bytes: where a deleted user's data still is. */
final class BrokerFiles {

    private BrokerFiles() {
    }

    /**
     * The topics with a file under their partitions' directories that holds any of the markers, as UTF-8 bytes: every
     * file but the offset and time indexes (offsets and timestamps only; an active segment's are preallocated, 10 MB
     * each).
     */
    static Set<String> topicsHolding(Path logDirectory, List<String> markers) throws IOException {
        Set<String> topics = new TreeSet<>();
        for (Path file : FilesHolding.under(logDirectory, markers, BrokerFiles::isIndex)) {
            Path relative = logDirectory.relativize(file);
            String partition = relative.getName(0).toString();
            topics.add(relative.getNameCount() > 1 && partition.contains("-")
                    ? partition.substring(0, partition.lastIndexOf('-')) : relative.toString());
        }
        return topics;
    }

    private static boolean isIndex(Path file) {
        String name = file.getFileName().toString();
        return name.contains(".index") || name.contains(".timeindex");
    }
}
