package io.usersync.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchDirectoryTest {

    @Test
    void shouldRemoveATemporaryDirectoryWithEverythingInItOnClose() throws Exception {
        Path made;
        try (ScratchDirectory scratch = ScratchDirectory.givenOrTemporary(null, "usersync-test-")) {
            made = scratch.path();
            Files.createDirectories(made.resolve("kafka/topic-0"));
            Files.writeString(made.resolve("kafka/topic-0/segment.log"), "records");
        }
        assertThat(made).doesNotExist();
    }

    @Test
    void shouldKeepADirectoryTheUserNamed(@TempDir Path given) throws Exception {
        try (ScratchDirectory scratch = ScratchDirectory.givenOrTemporary(given, "usersync-test-")) {
            Files.writeString(scratch.path().resolve("data"), "kept");
        }
        assertThat(given.resolve("data")).hasContent("kept");
    }

    @Test
    void shouldMakeATemporaryDirectoryOutsideTheOsTempFolder() throws Exception {
        try (ScratchDirectory scratch = ScratchDirectory.givenOrTemporary(null, "usersync-test-")) {
            assertThat(scratch.path().toAbsolutePath().startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())).isFalse();
        }
    }

    @Test
    void shouldPutScratchDirectoriesInTheUsersCacheFolder() {
        assertThat(ScratchDirectory.root("/var/cache/me", "/home/me")).isEqualTo(Path.of("/var/cache/me/usersync"));
        assertThat(ScratchDirectory.root(null, "/home/me")).isEqualTo(Path.of("/home/me/.cache/usersync"));
    }
}
