package io.usersync.app.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The value of each {@link Setting}, from the command line or else the environment or else its default, read as
 * the type it has. A value that is not one is a problem, naming its variable and what would be right; the reader
 * returns a stand-in so that every other problem is found too. It also keeps what each setting came to, for the
 * configuration a process prints.
 */
final class SettingValues {

    private final Map<String, String> environment;
    private final Map<String, String> overrides;
    private final List<String> problems = new ArrayList<>();
    private final Map<Setting, String> effective = new EnumMap<>(Setting.class);

    SettingValues(Map<String, String> environment, Map<String, String> overrides) {
        this.environment = environment;
        this.overrides = overrides;
    }

    /** Every problem found so far; the variable readers of Kafka and Debezium add theirs to it too. */
    List<String> problems() {
        return problems;
    }

    /** What each setting read came to, by variable. */
    Map<Setting, String> effective() {
        return effective;
    }

    /** Whether a problem about this setting was found already, so that no second one says the same. */
    boolean hasProblem(Setting setting) {
        return problems.stream().anyMatch(p -> p.startsWith(setting.variable()));
    }

    String raw(Setting setting) {
        String value = overrides.containsKey(setting.variable()) ? overrides.get(setting.variable())
                : environment.get(setting.variable());
        if (value == null || value.isBlank()) {
            value = setting.defaultValue();
        }
        effective.put(setting, value == null ? null : value.trim());
        return value == null ? null : value.trim();
    }

    Optional<String> optional(Setting setting) {
        return Optional.ofNullable(raw(setting));
    }

    String text(Setting setting) {
        String value = raw(setting);
        return value == null ? "" : value;
    }

    int port(Setting setting) {
        String value = raw(setting);
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a port from 0 to 65535; got '" + value + "'.");
        return 0;
    }

    int positive(Setting setting, int max) {
        String value = raw(setting);
        try {
            int number = Integer.parseInt(value);
            if (number >= 1 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a whole number from 1 to " + max + "; got '" + value + "'.");
        return 1;
    }

    Duration millis(Setting setting) {
        String value = raw(setting);
        try {
            long millis = Long.parseLong(value);
            if (millis >= 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a number of milliseconds (0 or more); got '" + value + "'.");
        return Duration.ZERO;
    }

    Duration seconds(Setting setting) {
        String value = raw(setting);
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a number of seconds (0 or more); got '" + value + "'.");
        return Duration.ZERO;
    }

    boolean bool(Setting setting) {
        String value = raw(setting).toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            problems.add(setting.variable() + " must be true or false; got '" + value + "'.");
        }
        return value.equals("true");
    }

    String identifier(Setting setting) {
        String value = raw(setting);
        if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
            problems.add(setting.variable() + " must be a lower-case PostgreSQL identifier ([a-z_][a-z0-9_]*); got '"
                    + value + "'.");
        }
        return value;
    }

    Path path(Setting setting) {
        String value = raw(setting);
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(setting.variable() + " must be a directory path; got '" + value + "'.");
            return Path.of(".");
        }
    }

    Optional<URI> httpUri(Setting setting, String value) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be an http(s) URL" + (setting.secret() ? "." : "; got '" + value + "'."));
        return Optional.empty();
    }

    double fraction(Setting setting) {
        String value = raw(setting);
        try {
            double fraction = Double.parseDouble(value);
            if (fraction >= 0 && fraction <= 1) {
                return fraction;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting.variable() + " must be a number from 0 to 1, like 0.5; got '" + value + "'.");
        return Double.parseDouble(setting.defaultValue());
    }
}
