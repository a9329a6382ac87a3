package io.usersync.app.chaos;

import java.util.Map;
import java.util.TreeMap;

/** Instance settings of a cluster test or benchmark, with overrides from a system property for measuring others. */
final class ClusterSettings {

    private ClusterSettings() {
    }

    /**
     * @param overrides {@code NAME=value,NAME=value}, as given with {@code -D}; null or blank for none. An empty value
     *                  removes the setting (the default applies).
     */
    static Map<String, String> withOverrides(Map<String, String> settings, String overrides) {
        Map<String, String> result = new TreeMap<>(settings);
        if (overrides == null || overrides.isBlank()) {
            return result;
        }
        for (String setting : overrides.split(",")) {
            String[] nameAndValue = setting.split("=", 2);
            String name = nameAndValue[0].trim();
            String value = nameAndValue.length < 2 ? "" : nameAndValue[1].trim();
            if (value.isEmpty()) {
                result.remove(name);
            } else {
                result.put(name, value);
            }
        }
        return result;
    }
}
