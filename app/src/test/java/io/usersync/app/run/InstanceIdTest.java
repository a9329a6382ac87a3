package io.usersync.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;

class InstanceIdTest {

    @Test
    void shouldKeepTheIdItMadeInTheDataDirectoryAcrossRestarts(@TempDir Path dataDir) {
        AppConfig config = ConfigLoader.load(Map.of("USERSYNC_DATA_DIR", dataDir.toString()), Map.of());

        String first = InstanceId.settle(config).instance().instanceId().orElseThrow();
        String again = InstanceId.settle(config).instance().instanceId().orElseThrow();

        assertThat(first).matches("usersync-[0-9a-f-]{36}");
        assertThat(again).isEqualTo(first);
        assertThat(dataDir.resolve(InstanceId.FILE)).hasContent(first);
    }

    @Test
    void shouldGiveTwoDataDirectoriesTwoIds(@TempDir Path one, @TempDir Path other) {
        assertThat(InstanceId.kept(one)).isNotEqualTo(InstanceId.kept(other));
    }

    @Test
    void shouldTakeTheConfiguredIdAndWriteNothing(@TempDir Path dataDir) {
        AppConfig config = ConfigLoader.load(Map.of("USERSYNC_DATA_DIR", dataDir.toString(),
                "USERSYNC_INSTANCE_ID", "host-1"), Map.of());

        assertThat(InstanceId.settle(config).instance().instanceId()).contains("host-1");
        assertThat(dataDir.resolve(InstanceId.FILE)).doesNotExist();
    }

    @Test
    void shouldLeaveTheMembershipDynamicWhenTheDataDirectoryCannotKeepAnId(@TempDir Path parent) throws Exception {
        Path notADirectory = Files.writeString(parent.resolve("file"), "");
        AppConfig config = ConfigLoader.load(Map.of("USERSYNC_DATA_DIR", notADirectory.toString()), Map.of());

        assertThat(InstanceId.settle(config).instance().instanceId()).isEmpty();
    }
}
