package io.usersync.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What a broker's files hold, read from its log directory as bytes: where a deleted user's data still is. */
final class BrokerFiles {

    private BrokerFiles() {
    }

    /**
     * The topics with a file under their partitions' directories that holds any of the markers, as UTF-8 bytes: every
     * file but the offset and time indexes (offsets and timestamps only; an active segment's are preallocated, 10 MB
     * each). The broker deletes and renames files while the walk goes on: one gone is skipped.
     */
    static Set<String> topicsHolding(Path logDirectory, List<String> markers) throws IOException {
        Set<String> topics = new TreeSet<>();
        Files.walkFileTree(logDirectory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                String name = file.getFileName().toString();
                if (name.contains(".index") || name.contains(".timeindex")) {
                    return FileVisitResult.CONTINUE;
                }
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    return FileVisitResult.CONTINUE;
                }
                if (markers.stream().anyMatch(marker -> contains(content, marker.getBytes(StandardCharsets.UTF_8)))) {
                    Path relative = logDirectory.relativize(file);
                    String partition = relative.getName(0).toString();
                    topics.add(relative.getNameCount() > 1 && partition.contains("-")
                            ? partition.substring(0, partition.lastIndexOf('-')) : relative.toString());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return topics;
    }

    private static boolean contains(byte[] content, byte[] marker) {
        outer:
        for (int i = 0; i <= content.length - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (content[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
