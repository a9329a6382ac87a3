package io.usersync.processor.normalize;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataTest {

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"name\":\"Ada\",\"nested\":{\"a\":[1,{\"b\":null}]}}", "null", " {\"a\":1} "})
    void shouldAcceptAnObjectOrNullWithoutBuildingIt(String text) {
        assertThatCode(() -> Metadata.check("raw_user_meta_data", text)).doesNotThrowAnyException();
    }

    @Test
    void shouldAcceptAMissingColumn() {
        assertThatCode(() -> Metadata.check("raw_user_meta_data", null)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"name\":\"Ada\"", "{not json", "{\"a\":[1,2}", "{\"a\":\"\\q\"}", ""})
    void shouldRejectWhatWouldNotParse(String text) {
        assertThatThrownBy(() -> Metadata.check("raw_user_meta_data", text))
                .isInstanceOf(Metadata.UnreadableMetadataException.class)
                .hasMessageStartingWith("raw_user_meta_data is ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "true"})
    void shouldRejectJsonThatIsNotAnObjectAndSayWhatItIs(String text) {
        assertThatThrownBy(() -> Metadata.check("raw_app_meta_data", text))
                .isInstanceOf(Metadata.UnreadableMetadataException.class)
                .hasMessageEndingWith(", not an object");
    }
}
