package io.usersync.app.adopt;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.usersync.schemas.database.ProfileTable;

/**
 * What the catalog says about an existing profile table ({@code public.users}, or the app's own of another name such
 * as {@code public.profiles}) and what lies around it: all an adoption plan is
 * made of, read in one transaction so that the plan and the table it changes are the same. Row values are never
 * read, only counts.
 *
 * @param table              the profile table, as {@code USERSYNC_TABLE} names it
 * @param relationKind       {@code pg_class.relkind}: {@code r} a table, {@code p} a partitioned one
 * @param owner              the table's owner
 * @param ownedByCurrentUser whether the connected role may act as the owner, which adding columns needs
 * @param currentUser        the connected role
 * @param columns            in table order
 * @param idUnique           whether a valid, non-partial unique index (a primary key or unique constraint) covers
 *                           exactly {@code id}: what {@code insert ... on conflict (id)} needs
 * @param usernamesDifferingInCase how many lower-cased usernames more than one row holds
 * @param usernameLowerIndexExists whether a relation named {@link #usernameLowerIndex(ProfileTable)} exists in the
 *                           table's schema
 * @param grants             the table-level privileges, one per grantee and privilege
 * @param roles              which of Supabase's roles exist
 * @param usersyncSchemaExists whether schema {@code usersync} exists
 * @param heartbeatExists    whether {@code usersync.capture_heartbeat} exists
 * @param markedAdopted      whether schema {@code usersync} carries {@link TableAdoption#MARKER}
 * @param currentUserEmailExists whether {@code public.current_user_email()} exists
 * @param authUidExists      whether {@code auth.uid()} exists
 * @param writerTriggers     enabled triggers on {@code auth.users} whose function mentions the table
 */
public record TableShape(ProfileTable table, String relationKind, String owner, boolean ownedByCurrentUser, String currentUser,
        List<Column> columns, boolean idUnique, long usernamesDifferingInCase, boolean usernameLowerIndexExists,
        List<Grant> grants, Set<String> roles, boolean usersyncSchemaExists, boolean heartbeatExists,
        boolean markedAdopted, boolean currentUserEmailExists, boolean authUidExists, List<Trigger> writerTriggers) {

    public TableShape {
        columns = List.copyOf(columns);
        grants = List.copyOf(grants);
        roles = Set.copyOf(roles);
        writerTriggers = List.copyOf(writerTriggers);
    }

    /**
     * A column of the table.
     *
     * @param sqlName   the name as SQL must spell it ({@code quote_ident})
     * @param typeName  {@code pg_type.typname} ({@code _text} for {@code text[]})
     * @param type      as {@code format_type} prints it, for messages
     * @param typmod    {@code atttypmod}: -1 for a {@code varchar} without a length
     * @param filledByDatabase whether an insert that leaves it out still gets a value (default, identity, generated)
     * @param writable  whether an insert may set it (not generated, not {@code generated always as identity})
     */
    public record Column(String name, String sqlName, String typeName, String type, int typmod, boolean notNull,
            boolean filledByDatabase, boolean writable) {
    }

    /**
     * A table-level privilege; grantee {@code PUBLIC} stands for every role.
     *
     * @param granteeSql the grantee as a grant or revoke must spell it
     */
    public record Grant(String grantee, String granteeSql, String privilege, boolean grantable, String grantor) {
    }

    /** A trigger on {@code auth.users}; {@code function} as {@code regprocedure} prints it. */
    public record Trigger(String name, String sqlName, String function) {
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst();
    }

    /**
     * The unique index on {@code lower(username)}: {@code users_username_lower_key} on {@code public.users}, as V1
     * names it, and after the same pattern on a table of another name, cut to PostgreSQL's 63 characters.
     */
    static String usernameLowerIndex(ProfileTable table) {
        String suffix = "_username_lower_key";
        return table.name().substring(0, Math.min(table.name().length(), 63 - suffix.length())) + suffix;
    }

    /** Whether the table exists; {@link #read} needs it to. */
    static boolean tableExists(Connection connection, ProfileTable table) throws SQLException {
        return queryBoolean(connection, "select to_regclass(?) is not null", table.qualified());
    }

    /** Whether schema {@code usersync} carries {@link TableAdoption#marker(ProfileTable)}. */
    static boolean markedAdopted(Connection connection, ProfileTable table) throws SQLException {
        return queryBoolean(connection, "select coalesce(obj_description(to_regnamespace('usersync'), 'pg_namespace') = ?, false)",
                TableAdoption.marker(table));
    }

    static TableShape read(Connection connection, ProfileTable table) throws SQLException {
        String relationKind;
        String owner;
        boolean owned;
        String currentUser;
        try (PreparedStatement statement = connection.prepareStatement("""
                select c.relkind, pg_get_userbyid(c.relowner), pg_has_role(current_user, c.relowner, 'USAGE'), current_user
                from pg_class c where c.oid = ?::regclass""")) {
            statement.setString(1, table.qualified());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                relationKind = rs.getString(1);
                owner = rs.getString(2);
                owned = rs.getBoolean(3);
                currentUser = rs.getString(4);
            }
        }
        List<Column> columns = columns(connection, table);
        boolean hasUsername = columns.stream().anyMatch(column -> column.name().equals("username"));
        return new TableShape(table, relationKind, owner, owned, currentUser, columns,
                queryBoolean(connection, """
                        select exists (select 1 from pg_index i join pg_attribute a on a.attrelid = i.indrelid
                        where i.indrelid = ?::regclass and a.attname = 'id' and i.indisunique and i.indisvalid
                        and i.indpred is null and i.indexprs is null and i.indnkeyatts = 1 and i.indkey[0] = a.attnum)""",
                        table.qualified()),
                // The table's identifiers are plain lower-case ones (ProfileTable), so its name goes in unquoted.
                hasUsername ? queryLong(connection, "select count(*) from (select 1 from " + table.qualified()
                        + " where username is not null group by lower(username::text) having count(*) > 1) d") : 0,
                queryBoolean(connection, "select to_regclass(?) is not null",
                        table.schema() + "." + usernameLowerIndex(table)),
                grants(connection, table),
                roles(connection),
                queryBoolean(connection, "select to_regnamespace('usersync') is not null"),
                queryBoolean(connection, "select to_regclass('usersync.capture_heartbeat') is not null"),
                markedAdopted(connection, table),
                queryBoolean(connection, "select to_regprocedure('public.current_user_email()') is not null"),
                queryBoolean(connection, "select to_regprocedure('auth.uid()') is not null"),
                writerTriggers(connection, table));
    }

    private static List<Column> columns(Connection connection, ProfileTable table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                select a.attname, quote_ident(a.attname), t.typname, format_type(a.atttypid, a.atttypmod), a.atttypmod, a.attnotnull,
                       a.atthasdef or a.attidentity <> '' or a.attgenerated <> '', a.attgenerated = '' and a.attidentity <> 'a'
                from pg_attribute a join pg_type t on t.oid = a.atttypid
                where a.attrelid = ?::regclass and a.attnum > 0 and not a.attisdropped
                order by a.attnum""")) {
            statement.setString(1, table.qualified());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8)));
                }
            }
        }
        return columns;
    }

    private static List<Grant> grants(Connection connection, ProfileTable table) throws SQLException {
        List<Grant> grants = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                select case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
                       case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end,
                       a.privilege_type, a.is_grantable, pg_get_userbyid(a.grantor)
                from pg_class c cross join lateral aclexplode(c.relacl) a
                where c.oid = ?::regclass
                order by 1, 2""")) {
            statement.setString(1, table.qualified());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    grants.add(new Grant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5)));
                }
            }
        }
        return grants;
    }

    private static Set<String> roles(Connection connection) throws SQLException {
        Set<String> roles = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "select rolname from pg_roles where rolname = any (?)")) {
            statement.setArray(1, connection.createArrayOf("text", AdoptionPrivileges.SUPABASE_ROLES.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
        }
        return roles;
    }

    /**
     * The function's source naming the table, schema-qualified ({@code public.profiles}), is the sign of a
     * {@code handle_new_user} trigger; a function that reaches the table another way goes unseen.
     */
    private static List<Trigger> writerTriggers(Connection connection, ProfileTable table) throws SQLException {
        List<Trigger> triggers = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                select t.tgname, quote_ident(t.tgname), t.tgfoid::regprocedure::text
                from pg_trigger t join pg_proc p on p.oid = t.tgfoid
                where t.tgrelid = to_regclass('auth.users') and not t.tgisinternal and t.tgenabled in ('O', 'A')
                  and p.prosrc ~* ('"?' || ? || '"?\\s*\\.\\s*"?' || ? || '"?([^a-z0-9_$]|$)')
                order by t.tgname""")) {
            // Plain lower-case identifiers (ProfileTable): nothing in them a regular expression would read as syntax.
            statement.setString(1, table.schema());
            statement.setString(2, table.name());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    triggers.add(new Trigger(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return triggers;
    }

    private static boolean queryBoolean(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
