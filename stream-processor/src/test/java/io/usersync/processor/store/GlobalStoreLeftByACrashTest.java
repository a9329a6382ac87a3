package io.usersync.processor.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalStoreLeftByACrashTest {

    @Test
    void shouldRemoveTheGlobalStoreOfARunThatNeverStoppedAndKeepTheTasksStores(@TempDir Path stateDirectory)
            throws Exception {
        assertThat(GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app")).isFalse();
        Path global = store(stateDirectory, "global");
        Path task = store(stateDirectory, "1_0");
        // no stoppedCleanly(): the process was killed

        assertThat(GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app")).isTrue();

        assertThat(global).doesNotExist();
        assertThat(task).exists();
    }

    @Test
    void shouldKeepTheGlobalStoreOfARunThatStoppedCleanly(@TempDir Path stateDirectory) throws Exception {
        GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app");
        Path global = store(stateDirectory, "global");
        GlobalStoreLeftByACrash.stoppedCleanly(stateDirectory, "app");

        assertThat(GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app")).isFalse();

        assertThat(global).exists();
    }

    private static Path store(Path stateDirectory, String task) throws Exception {
        Path sst = stateDirectory.resolve("app").resolve(task).resolve("rocksdb/existing-profiles/000010.sst");
        Files.createDirectories(sst.getParent());
        return Files.writeString(sst, "rows");
    }
}
