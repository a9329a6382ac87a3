package io.usersync.schemas.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The files under a directory that hold any of the markers, as UTF-8 bytes anywhere in them: where a deleted user's
 * data still is on disk. A broker or RocksDB deletes and renames files while the walk goes on: one gone is skipped.
 */
public final class FilesHolding {

    private FilesHolding() {
    }

    /** @param skipped files not read (for example, a broker's preallocated indexes of offsets and times) */
    public static List<Path> under(Path directory, List<String> markers, Predicate<Path> skipped) throws IOException {
        List<byte[]> patterns = markers.stream().map(marker -> marker.getBytes(StandardCharsets.UTF_8)).toList();
        List<Path> holding = new ArrayList<>();
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (skipped.test(file)) {
                    return FileVisitResult.CONTINUE;
                }
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    return FileVisitResult.CONTINUE;
                }
                if (patterns.stream().anyMatch(pattern -> contains(content, pattern))) {
                    holding.add(file);
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
        return holding;
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
