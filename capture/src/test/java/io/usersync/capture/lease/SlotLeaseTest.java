package io.usersync.capture.lease;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The lock key is what docs/operations.md says it is (the first 8 bytes of SHA-256 of "usersync capture slot " and the
 * slot's name), so that every release and every instance of one deployment contends for the same lock.
 */
class SlotLeaseTest {

    @Test
    void shouldKeyTheLockByTheSlotNameAsDocumented() {
        // python3 -c "import hashlib,struct; print(struct.unpack('>q', hashlib.sha256(b'usersync capture slot usersync').digest()[:8])[0])"
        assertThat(SlotLease.key("usersync")).isEqualTo(-7107623161724750535L);
    }

    @Test
    void shouldGiveAnotherSlotAnotherLock() {
        assertThat(SlotLease.key("other")).isNotEqualTo(SlotLease.key("usersync"));
    }
}
