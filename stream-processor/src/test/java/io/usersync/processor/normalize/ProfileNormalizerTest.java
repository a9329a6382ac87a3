package io.usersync.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.usersync.schemas.cdc.AuthUserRow;

class ProfileNormalizerTest {

    private static final String ID = "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11";

    private static AuthUserRow row(String email, String phone, String userMeta, String appMeta, String confirmedAt,
            Boolean anonymous) {
        return new AuthUserRow(ID, email, phone, appMeta, userMeta, confirmedAt, null, null,
                "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", null, anonymous, false);
    }

    @Test
    void shouldTakeNameAndPictureFromGoogleMetadata() {
        NormalizedProfile profile = ProfileNormalizer.normalize(row("  Ada.Lovelace@Gmail.COM ", null,
                "{\"iss\":\"https://accounts.google.com\",\"name\":\"Ada Lovelace\",\"full_name\":\"Ada Lovelace\","
                        + "\"picture\":\"https://lh3.googleusercontent.com/a/abc\",\"email_verified\":true}",
                "{\"provider\":\"google\",\"providers\":[\"google\"]}", "2026-11-01T10:00:01Z", false));

        assertThat(profile.email()).isEqualTo("ada.lovelace@gmail.com");
        assertThat(profile.fullName()).isEqualTo("Ada Lovelace");
        assertThat(profile.avatarUrl()).isEqualTo("https://lh3.googleusercontent.com/a/abc");
        assertThat(profile.provider()).isEqualTo("google");
        assertThat(profile.providers()).containsExactly("google");
        assertThat(profile.emailVerified()).isTrue();
    }

    @Test
    void shouldFallBackToUserNameAndAvatarUrlFromGithubMetadata() {
        NormalizedProfile profile = ProfileNormalizer.normalize(row("octo@example.com", null,
                "{\"user_name\":\"octocat\",\"preferred_username\":\"octo\","
                        + "\"avatar_url\":\"https://avatars.githubusercontent.com/u/1\"}",
                "{\"provider\":\"github\",\"providers\":[\"github\",\"email\"]}", null, false));

        assertThat(profile.fullName()).isEqualTo("octocat");
        assertThat(profile.avatarUrl()).isEqualTo("https://avatars.githubusercontent.com/u/1");
        assertThat(profile.providers()).containsExactly("github", "email");
        assertThat(profile.emailVerified()).isFalse();
    }

    @Test
    void shouldJoinGivenAndFamilyNameWhenNoFullName() {
        NormalizedProfile profile = ProfileNormalizer.normalize(row("g@example.com", null,
                "{\"given_name\":\"Grace\",\"family_name\":\"Hopper\"}", "{}", null, false));

        assertThat(profile.fullName()).isEqualTo("Grace Hopper");
    }

    @Test
    void shouldLeaveNameEmptyForAnEmailSignUpWithoutMetadata() {
        NormalizedProfile profile = ProfileNormalizer.normalize(row("plain@example.com", null, "{}",
                "{\"provider\":\"email\",\"providers\":[\"email\"]}", null, false));

        assertThat(profile.fullName()).isNull();
        assertThat(profile.avatarUrl()).isNull();
        assertThat(profile.provider()).isEqualTo("email");
    }

    @Test
    void shouldHaveNoEmailForAPhoneOnlyUser() {
        NormalizedProfile profile = ProfileNormalizer.normalize(row(null, "15555550100", "{}",
                "{\"provider\":\"phone\",\"providers\":[\"phone\"]}", null, false));

        assertThat(profile.email()).isNull();
        assertThat(profile.provider()).isEqualTo("phone");
        assertThat(profile.emailVerified()).isFalse();
    }

    @Test
    void shouldHaveNoEmailForAnAnonymousUser() {
        NormalizedProfile profile = ProfileNormalizer.normalize(row("", null, "{}", "{}", null, true));

        assertThat(profile.email()).isNull();
        assertThat(profile.isAnonymous()).isTrue();
        assertThat(profile.providers()).isNull();
    }

    @Test
    void shouldIgnoreMetadataOfTheWrongType() {
        NormalizedProfile profile = ProfileNormalizer.normalize(row("w@example.com", null,
                "{\"full_name\":42,\"name\":[\"x\"],\"given_name\":{\"a\":1},\"user_name\":\"   \","
                        + "\"preferred_username\":\"fallback\",\"avatar_url\":17,\"picture\":\"javascript:alert(1)\"}",
                "{\"provider\":7,\"providers\":\"google\"}", null, false));

        assertThat(profile.fullName()).isEqualTo("fallback");
        assertThat(profile.avatarUrl()).isNull();
        assertThat(profile.provider()).isNull();
        assertThat(profile.providers()).isNull();
    }

    @Test
    void shouldKeepEmojiAndRightToLeftLettersButDropZeroWidthAndControlCharacters() {
        NormalizedProfile profile = ProfileNormalizer.normalize(row("e@example.com", null,
                "{\"full_name\":\"\\u200bSam\\u0007 \\u202e\\u05e9\\u05dc\\u05d5\\u05dd   \\ud83d\\ude00\\ufeff\\n\"}", "{}",
                null, false));

        assertThat(profile.fullName()).isEqualTo("Sam \u05e9\u05dc\u05d5\u05dd \ud83d\ude00");
    }

    @Test
    void shouldCutAHundredThousandCharacterNameTo256() {
        String huge = "x".repeat(100_000);
        NormalizedProfile profile = ProfileNormalizer.normalize(row("h@example.com", null,
                "{\"full_name\":\"" + huge + "\"}", "{}", null, false));

        assertThat(profile.fullName()).hasSize(256);
    }

    @Test
    void shouldNotSplitAnEmojiWhenCuttingALongName() {
        String emoji = "\ud83d\ude00";
        NormalizedProfile profile = ProfileNormalizer.normalize(row("h@example.com", null,
                "{\"full_name\":\"" + emoji.repeat(300) + "\"}", "{}", null, false));

        assertThat(profile.fullName().codePointCount(0, profile.fullName().length())).isEqualTo(256);
        assertThat(Character.isHighSurrogate(profile.fullName().charAt(profile.fullName().length() - 1))).isFalse();
    }

    /** 256 code points fall inside the 51st family (5 code points each) after "ab": it is left out whole. */
    @Test
    void shouldNotSplitAnEmojiSequenceAFlagOrACombiningMarkWhenCuttingALongName() {
        String family = "\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67";
        String flag = "\ud83c\uddeb\ud83c\uddf7";
        String accented = "e\u0301";

        assertThat(fullName("ab" + family.repeat(60))).isEqualTo("ab" + family.repeat(50));
        assertThat(fullName("a" + flag.repeat(200))).isEqualTo("a" + flag.repeat(127));
        assertThat(fullName("a" + accented.repeat(200))).isEqualTo("a" + accented.repeat(127));
    }

    private static String fullName(String name) {
        return ProfileNormalizer.normalize(row("h@example.com", null,
                "{\"full_name\":\"" + name + "\"}", "{}", null, false)).fullName();
    }

    @Test
    void shouldRefuseMetadataThatIsNotAJsonObject() {
        assertThatThrownBy(() -> ProfileNormalizer.normalize(row("m@example.com", null, "[1,2]", "{}", null, false)))
                .isInstanceOf(Metadata.UnreadableMetadataException.class)
                .hasMessageContaining("raw_user_meta_data");
    }

    @Test
    void shouldCarryTimestamps() {
        NormalizedProfile profile = ProfileNormalizer.normalize(new AuthUserRow(ID, "t@example.com", null, "{}", "{}",
                null, null, "2026-11-02T00:00:00Z", "2026-11-01T10:00:00Z", "2026-11-03T00:00:00Z", null, false, false));

        assertThat(List.of(profile.createdAt(), profile.updatedAt(), profile.lastSignInAt()))
                .containsExactly("2026-11-01T10:00:00Z", "2026-11-03T00:00:00Z", "2026-11-02T00:00:00Z");
    }
}
