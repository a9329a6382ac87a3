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

/**
 * What the catalog says about an existing {@code public.users} and what lies around it: all an adoption plan is
 * made of, read in one transaction so that the plan and the table it changes are the same. Row values are never
 * read, only counts.
 *
 * @param relationKind       {@code pg_class.relkind}: {@code r} a table, {@code p} a partitioned one
 * @param owner              the table's owner
 * @param ownedByCurrentUser whether the connected role may act as the owner, which adding columns needs
 * @param currentUser        the connected role
 * @param columns            in table order
 * @param idUnique           whether a valid, non-partial unique index (a primary key or unique constraint) covers
 *                           exactly {@code id}: what {@code insert ... on conflict (id)} needs
 * @param usernamesDifferingInCase how many lower-cased usernames more than one row holds
 * @param usernameLowerIndexExists whether a relation named {@code users_username_lower_key} exists in {@code public}
 * @param grants             the table-level privileges, one per grantee and privilege
 * @param roles              which of Supabase's roles exist
 * @param usersyncSchemaExists whether schema {@code usersync} exists
 * @param heartbeatExists    whether {@code usersync.capture_heartbeat} exists
 * @param markedAdopted      whether schema {@code usersync} carries {@link TableAdoption#MARKER}
 * @param currentUserEmailExists whether {@code public.current_user_email()} exists
 * @param authUidExists      whether {@code auth.uid()} exists
 * @param writerTriggers     enabled triggers on {@code auth.users} whose function mentions {@code public.users}
 */
public record TableShape(String relationKind, String owner, boolean ownedByCurrentUser, String currentUser,
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

    /** Whether {@code public.users} exists; {@link #read} needs it to. */
    static boolean tableExists(Connection connection) throws SQLException {
        return queryBoolean(connection, "select to_regclass('public.users') is not null");
    }

    /** Whether schema {@code usersync} carries {@link TableAdoption#MARKER}. */
    static boolean markedAdopted(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select coalesce(obj_description(to_regnamespace('usersync'), 'pg_namespace') = ?, false)")) {
            statement.setString(1, TableAdoption.MARKER);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static TableShape read(Connection connection) throws SQLException {
        String relationKind;
        String owner;
        boolean owned;
        String currentUser;
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("""
                select c.relkind, pg_get_userbyid(c.relowner), pg_has_role(current_user, c.relowner, 'USAGE'), current_user
                from pg_class c where c.oid = 'public.users'::regclass""")) {
            rs.next();
            relationKind = rs.getString(1);
            owner = rs.getString(2);
            owned = rs.getBoolean(3);
            currentUser = rs.getString(4);
        }
        List<Column> columns = columns(connection);
        boolean hasUsername = columns.stream().anyMatch(column -> column.name().equals("username"));
        return new TableShape(relationKind, owner, owned, currentUser, columns,
                queryBoolean(connection, """
                        select exists (select 1 from pg_index i join pg_attribute a on a.attrelid = i.indrelid
                        where i.indrelid = 'public.users'::regclass and a.attname = 'id' and i.indisunique and i.indisvalid
                        and i.indpred is null and i.indexprs is null and i.indnkeyatts = 1 and i.indkey[0] = a.attnum)"""),
                hasUsername ? queryLong(connection, """
                        select count(*) from (select 1 from public.users where username is not null
                        group by lower(username::text) having count(*) > 1) d""") : 0,
                queryBoolean(connection, "select to_regclass('public.users_username_lower_key') is not null"),
                grants(connection),
                roles(connection),
                queryBoolean(connection, "select to_regnamespace('usersync') is not null"),
                queryBoolean(connection, "select to_regclass('usersync.capture_heartbeat') is not null"),
                markedAdopted(connection),
                queryBoolean(connection, "select to_regprocedure('public.current_user_email()') is not null"),
                queryBoolean(connection, "select to_regprocedure('auth.uid()') is not null"),
                writerTriggers(connection));
    }

    private static List<Column> columns(Connection connection) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("""
                select a.attname, quote_ident(a.attname), t.typname, format_type(a.atttypid, a.atttypmod), a.atttypmod, a.attnotnull,
                       a.atthasdef or a.attidentity <> '' or a.attgenerated <> '', a.attgenerated = '' and a.attidentity <> 'a'
                from pg_attribute a join pg_type t on t.oid = a.atttypid
                where a.attrelid = 'public.users'::regclass and a.attnum > 0 and not a.attisdropped
                order by a.attnum""")) {
            while (rs.next()) {
                columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                        rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8)));
            }
        }
        return columns;
    }

    private static List<Grant> grants(Connection connection) throws SQLException {
        List<Grant> grants = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("""
                select case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end,
                       case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end,
                       a.privilege_type, a.is_grantable, pg_get_userbyid(a.grantor)
                from pg_class c cross join lateral aclexplode(c.relacl) a
                where c.oid = 'public.users'::regclass
                order by 1, 2""")) {
            while (rs.next()) {
                grants.add(new Grant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5)));
            }
        }
        return grants;
    }

    private static Set<String> roles(Connection connection) throws SQLException {
        Set<String> roles = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "select rolname from pg_roles where rolname = any (?)")) {
            statement.setArray(1, connection.createArrayOf("text", AdoptionPlan.SUPABASE_ROLES.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
        }
        return roles;
    }

    /**
     * The function's source naming {@code public.users} is the sign of a {@code handle_new_user} trigger; a
     * function that reaches the table another way goes unseen.
     */
    private static List<Trigger> writerTriggers(Connection connection) throws SQLException {
        List<Trigger> triggers = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("""
                select t.tgname, quote_ident(t.tgname), t.tgfoid::regprocedure::text
                from pg_trigger t join pg_proc p on p.oid = t.tgfoid
                where t.tgrelid = to_regclass('auth.users') and not t.tgisinternal and t.tgenabled in ('O', 'A')
                  and p.prosrc ~* 'public\\s*\\.\\s*"?users"?([^a-z0-9_$]|$)'
                order by t.tgname""")) {
            while (rs.next()) {
                triggers.add(new Trigger(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return triggers;
    }

    private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
