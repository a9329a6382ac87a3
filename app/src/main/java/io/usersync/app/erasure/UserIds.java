package io.usersync.app.erasure;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The user ids a record names, in its key or anywhere in its value (JSON, or the binary of a store's changelog). */
final class UserIds {

    private static final Pattern USER_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private UserIds() {
    }

    /** Lower case. */
    static Set<String> in(ConsumerRecord<?, byte[]> record) {
        Set<String> found = new HashSet<>();
        Object key = record.key();
        if (key instanceof byte[] bytes) {
            add(latin1(bytes), found);
        } else if (key != null) {
            add(key.toString(), found);
        }
        if (record.value() != null) {
            add(latin1(record.value()), found);
        }
        return found;
    }

    /** Latin-1 maps each byte to one character: an id in UTF-8 text is found whatever surrounds it. */
    static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static void add(String text, Set<String> found) {
        Matcher matcher = USER_ID.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group().toLowerCase(Locale.ROOT));
        }
    }
}
