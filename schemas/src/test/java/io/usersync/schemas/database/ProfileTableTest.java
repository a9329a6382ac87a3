package io.usersync.schemas.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProfileTableTest {

    @Test
    void shouldReadSchemaAndTable() {
        ProfileTable table = ProfileTable.parse("public.profiles");

        assertThat(table.schema()).isEqualTo("public");
        assertThat(table.name()).isEqualTo("profiles");
        assertThat(table.qualified()).isEqualTo("public.profiles");
        assertThat(table.isDefault()).isFalse();
        assertThat(ProfileTable.parse("public.users").isDefault()).isTrue();
    }

    @Test
    void shouldRefuseAnythingSqlWouldReadAsMoreThanAName() {
        for (String hostile : new String[] {"users", "public.users; drop table auth.users", "public.\"Users\"", "Public.users",
                "public.users.extra", "public.", ".users", "public.us ers", "public.users--"}) {
            assertThatThrownBy(() -> ProfileTable.parse(hostile)).as(hostile).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
