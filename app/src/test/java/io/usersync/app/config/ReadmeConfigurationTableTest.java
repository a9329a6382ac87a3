package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** README's configuration table lists exactly the settings usersync reads. */
class ReadmeConfigurationTableTest {

    private static final Path README = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\|");

    @Test
    void shouldListEverySettingOnceAndNothingElse() throws IOException {
        String text = Files.readString(README);
        String table = text.substring(text.indexOf("## Configuration"), text.indexOf("\n## ", text.indexOf("## Configuration") + 1));
        List<String> rows = table.lines().map(ROW::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();

        assertThat(rows).containsExactlyInAnyOrderElementsOf(Arrays.stream(Setting.values()).map(Setting::variable).toList());
    }
}
