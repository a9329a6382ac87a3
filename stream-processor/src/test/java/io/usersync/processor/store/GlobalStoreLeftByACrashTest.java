package io.usersync.processor.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalStoreLeftByACrashTest {

    @Test
    void shouldRemoveTheGlobalStoreOfARunThatNeverStoppedAndKeepTheTasksStoresExactlyOnce(@TempDir Path stateDirectory)
            throws Exception {
        assertThat(GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app", true)).isFalse();
        Path global = store(stateDirectory, "global");
        Path task = store(stateDirectory, "1_0");
        // no stoppedCleanly(): the process was killed

        assertThat(GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app", true)).isTrue();

        assertThat(global).doesNotExist();
        assertThat(task).exists();
    }

    /** At least once, Streams reads the topic on from the store's checkpoint: the store is kept. */
    @Test
    void shouldKeepTheGlobalStoreOfARunThatNeverStoppedAtLeastOnce(@TempDir Path stateDirectory) throws Exception {
        GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app", false);
        Path global = store(stateDirectory, "global");
        // no stoppedCleanly(): the process was killed

        assertThat(GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app", false)).isFalse();

        assertThat(global).exists();
    }

    @Test
    void shouldKeepTheGlobalStoreOfARunThatStoppedCleanly(@TempDir Path stateDirectory) throws Exception {
        GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app", true);
        Path global = store(stateDirectory, "global");
        GlobalStoreLeftByACrash.stoppedCleanly(stateDirectory, "app");

        assertThat(GlobalStoreLeftByACrash.removeAndMarkRunning(stateDirectory, "app", true)).isFalse();

        assertThat(global).exists();
    }

    /** Its checkpoint holds the topic's offsets: kept, the new store would start reading from there. */
    @Test
    void shouldRemoveTheGlobalStateThatHoldsTheStoreOfAnEarlierRelease(@TempDir Path stateDirectory) throws Exception {
        Path earlier = store(stateDirectory, "global", "existing-profiles");
        Path checkpoint = Files.writeString(stateDirectory.resolve("app/global/.checkpoint"), "0\n1\nprofiles 0 42\n");

        assertThat(GlobalStoreLeftByACrash.removeIfOfAnotherStore(stateDirectory, "app", "existing-usernames")).isTrue();

        assertThat(earlier).doesNotExist();
        assertThat(checkpoint).doesNotExist();
    }

    @Test
    void shouldKeepTheGlobalStateThatHoldsTheCurrentStoreOnly(@TempDir Path stateDirectory) throws Exception {
        Path current = store(stateDirectory, "global", "existing-usernames");

        assertThat(GlobalStoreLeftByACrash.removeIfOfAnotherStore(stateDirectory, "app", "existing-usernames")).isFalse();
        assertThat(GlobalStoreLeftByACrash.removeIfOfAnotherStore(stateDirectory.resolve("none"), "app", "existing-usernames"))
                .isFalse();

        assertThat(current).exists();
    }

    private static Path store(Path stateDirectory, String task) throws Exception {
        return store(stateDirectory, task, "existing-usernames");
    }

    private static Path store(Path stateDirectory, String task, String name) throws Exception {
        Path sst = stateDirectory.resolve("app").resolve(task).resolve("rocksdb").resolve(name).resolve("000010.sst");
        Files.createDirectories(sst.getParent());
        return Files.writeString(sst, "rows");
    }
}
