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

/** The configuration table of docs/configuration.md lists exactly the settings usersync reads. */
class ConfigurationPageTest {

    private static final Path PAGE =
            Path.of(System.getProperty("user.dir")).getParent().resolve("docs").resolve("configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\|");

    @Test
    void shouldListEverySettingOnceAndNothingElse() throws IOException {
        String text = Files.readString(PAGE);
        int start = text.indexOf("## Configuration");
        int end = text.indexOf("\n## ", start + 1);
        String table = text.substring(start, end < 0 ? text.length() : end);
        List<String> rows = table.lines().map(ROW::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();

        assertThat(rows).containsExactlyInAnyOrderElementsOf(Arrays.stream(Setting.values()).map(Setting::variable).toList());
    }
}
