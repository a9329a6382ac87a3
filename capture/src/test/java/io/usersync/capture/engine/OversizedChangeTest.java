package io.usersync.capture.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class OversizedChangeTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String change(String userMeta, String appMeta, String name) throws Exception {
        return MAPPER.writeValueAsString(Map.of("op", "u", "source", Map.of("lsn", 7),
                "after", Map.of("id", "u1", "email", "ada@example.com", "raw_user_meta_data", userMeta,
                        "raw_app_meta_data", appMeta, "phone", name)));
    }

    @Test
    void shouldEmptyOnlyTheLargestColumnWhenThatIsEnoughAndKeepTheOthers() throws Exception {
        String value = change("{\"bio\":\"" + "b".repeat(5000) + "\"}", "{\"provider\":\"email\"}", "+100");

        OversizedChange.Reduced reduced = OversizedChange.reduce(value, 1000).orElseThrow();

        JsonNode after = MAPPER.readTree(reduced.value()).get("after");
        assertThat(after.get("raw_user_meta_data").asText()).isEqualTo("{}");
        assertThat(after.get("raw_app_meta_data").asText()).isEqualTo("{\"provider\":\"email\"}");
        assertThat(after.get("email").asText()).isEqualTo("ada@example.com");
        assertThat(reduced.emptiedColumns()).containsOnlyKeys("raw_user_meta_data");
        assertThat(reduced.lsn()).isEqualTo(7);
    }

    @Test
    void shouldEmptyColumnsLargestFirstUntilTheChangeFitsJsonAsEmptyJsonAndTextAsNull() throws Exception {
        String value = change("{\"a\":\"" + "a".repeat(3000) + "\"}", "[\"" + "p".repeat(2000) + "\"]", "9".repeat(1000));

        OversizedChange.Reduced reduced = OversizedChange.reduce(value, 500).orElseThrow();

        JsonNode after = MAPPER.readTree(reduced.value()).get("after");
        assertThat(after.get("raw_user_meta_data").asText()).isEqualTo("{}");
        assertThat(after.get("raw_app_meta_data").asText()).isEqualTo("[]");
        assertThat(after.get("phone").isNull()).isTrue();
        assertThat(after.get("id").asText()).isEqualTo("u1");
        assertThat(reduced.emptiedColumns().keySet()).containsExactly("raw_user_meta_data", "raw_app_meta_data", "phone");
        assertThat(OversizedChange.bytes(reduced.value())).isLessThanOrEqualTo(500);
    }

    @Test
    void shouldGiveUpWhenEvenTheKeyAloneDoesNotFit() throws Exception {
        assertThat(OversizedChange.reduce(change("{}", "{}", "1"), 10)).isEmpty();
        assertThat(OversizedChange.reduce("not json", 10)).isEmpty();
    }
}
