package io.usersync.app;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * The lints of Supabase's database linter (splinter, github.com/supabase/splinter: the dashboard's Security and
 * Performance Advisors) that can find something in what {@code usersync migrate} creates: each lint's own query, cut to
 * the two schemas usersync writes in ({@code public}, {@code usersync}) and to one text per finding. Left out: lints of
 * things usersync never makes (extensions, materialized views, foreign tables, reg types, queues, storage buckets, auth
 * settings), of run-time statistics (unused index, bloat), and pg_graphql's 0026/0027, which list every relation anon or
 * authenticated may read: the public profile is that by design.
 *
 * <p>splinter's queries read the schemas PostgREST exposes from {@code pgrst.db_schemas}; {@link #findings} sets it as
 * a Supabase project has it.
 */
enum SupabaseLint {

    UNINDEXED_FOREIGN_KEYS("0001", """
            select fk.table_oid::regclass || ' ' || fk.fkey_name from (
                select cl.oid as table_oid, cl.relnamespace::regnamespace::text as schema_name, ct.conname as fkey_name,
                       ct.conkey as col_attnums
                from pg_catalog.pg_constraint ct join pg_catalog.pg_class cl on ct.conrelid = cl.oid
                where ct.contype = 'f') fk
            where fk.schema_name in ('public', 'usersync')
              and not exists (select 1 from pg_catalog.pg_index pi
                              where pi.indrelid = fk.table_oid and pi.indisvalid
                                and fk.col_attnums = (string_to_array(pi.indkey::text, ' ')::smallint[])[1:array_length(fk.col_attnums, 1)])
            """),
    AUTH_USERS_EXPOSED("0002", """
            select distinct c.oid::regclass::text
            from pg_catalog.pg_class au
                join pg_catalog.pg_namespace aun on au.relnamespace = aun.oid and au.relname = 'users' and aun.nspname = 'auth'
                join pg_catalog.pg_depend d on d.refobjid = au.oid
                join pg_catalog.pg_rewrite r on r.oid = d.objid
                join pg_catalog.pg_class c on c.oid = r.ev_class
                join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where d.deptype = 'n'
              and (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
                   or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
              and n.nspname = any(array(select trim(unnest(string_to_array(current_setting('pgrst.db_schemas', 't'), ',')))))
              and n.nspname in ('public', 'usersync')
              and (c.relkind = 'm'
                   or (c.relkind = 'v' and not (lower(coalesce(c.reloptions::text, '{}'))::text[]
                       && array['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on']))
                   or (c.relkind = 'v' and not au.relrowsecurity))
            """),
    AUTH_RLS_INITPLAN("0003", """
            select schemaname || '.' || tablename || ' ' || policyname
            from pg_catalog.pg_policies p
                join pg_catalog.pg_class c on c.relname = p.tablename and c.relnamespace = p.schemaname::regnamespace
            where c.relrowsecurity and p.schemaname in ('public', 'usersync')
              and ((qual like '%auth.uid()%' and lower(qual) not like '%select auth.uid()%')
                or (qual like '%auth.jwt()%' and lower(qual) not like '%select auth.jwt()%')
                or (qual like '%auth.role()%' and lower(qual) not like '%select auth.role()%')
                or (qual like '%auth.email()%' and lower(qual) not like '%select auth.email()%')
                or (qual like '%current\\_setting(%)%' and lower(qual) not like '%select current\\_setting(%)%')
                or (with_check like '%auth.uid()%' and lower(with_check) not like '%select auth.uid()%')
                or (with_check like '%auth.jwt()%' and lower(with_check) not like '%select auth.jwt()%')
                or (with_check like '%auth.role()%' and lower(with_check) not like '%select auth.role()%')
                or (with_check like '%auth.email()%' and lower(with_check) not like '%select auth.email()%')
                or (with_check like '%current\\_setting(%)%' and lower(with_check) not like '%select current\\_setting(%)%'))
            """),
    NO_PRIMARY_KEY("0004", """
            select c.oid::regclass::text
            from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'r' and n.nspname in ('public', 'usersync')
              and not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary)
            """),
    MULTIPLE_PERMISSIVE_POLICIES("0006", """
            select c.oid::regclass || ' ' || r.rolname || ' ' || act.cmd || ' ' || array_agg(p.polname order by p.polname)::text
            from pg_catalog.pg_policy p
                join pg_catalog.pg_class c on p.polrelid = c.oid
                join pg_catalog.pg_namespace n on c.relnamespace = n.oid
                join pg_catalog.pg_roles r on p.polroles @> array[r.oid] or p.polroles = array[0::oid],
                lateral unnest(case p.polcmd when 'r' then array['SELECT'] when 'a' then array['INSERT']
                                             when 'w' then array['UPDATE'] when 'd' then array['DELETE']
                                             when '*' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] end) act(cmd)
            where c.relkind = 'r' and p.polpermissive and n.nspname in ('public', 'usersync')
              and r.rolname not like 'pg_%' and r.rolname not like 'supabase%admin' and not r.rolbypassrls
            group by c.oid, r.rolname, act.cmd
            having count(1) > 1
            """),
    POLICY_EXISTS_RLS_DISABLED("0007", """
            select distinct c.oid::regclass::text
            from pg_catalog.pg_policy p
                join pg_catalog.pg_class c on p.polrelid = c.oid
                join pg_catalog.pg_namespace n on c.relnamespace = n.oid
            where c.relkind = 'r' and n.nspname in ('public', 'usersync') and not c.relrowsecurity
            """),
    RLS_ENABLED_NO_POLICY("0008", """
            select c.oid::regclass::text
            from pg_catalog.pg_class c join pg_catalog.pg_namespace n on c.relnamespace = n.oid
            where c.relkind = 'r' and n.nspname in ('public', 'usersync') and c.relrowsecurity
              and not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = c.oid)
            """),
    DUPLICATE_INDEX("0009", """
            select c.oid::regclass || ' ' || array_agg(pi.indexname order by pi.indexname)::text
            from pg_catalog.pg_indexes pi
                join pg_catalog.pg_namespace n on n.nspname = pi.schemaname
                join pg_catalog.pg_class c on pi.tablename = c.relname and n.oid = c.relnamespace
            where c.relkind in ('r', 'm') and n.nspname in ('public', 'usersync')
            group by c.oid, replace(pi.indexdef, pi.indexname, '')
            having count(*) > 1
            """),
    SECURITY_DEFINER_VIEW("0010", """
            select c.oid::regclass::text
            from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'v'
              and (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
                   or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
              and n.nspname = any(array(select trim(unnest(string_to_array(current_setting('pgrst.db_schemas', 't'), ',')))))
              and n.nspname in ('public', 'usersync')
              and not (lower(coalesce(c.reloptions::text, '{}'))::text[]
                       && array['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on'])
            """),
    FUNCTION_SEARCH_PATH_MUTABLE("0011", """
            select p.oid::regprocedure::text
            from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on p.pronamespace = n.oid
            where n.nspname in ('public', 'usersync')
              and not exists (select 1 from pg_catalog.pg_depend dep where dep.objid = p.oid and dep.deptype = 'e')
              and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as config where config like 'search_path=%')
            """),
    RLS_DISABLED_IN_PUBLIC("0013", """
            select c.oid::regclass::text
            from pg_catalog.pg_class c join pg_catalog.pg_namespace n on c.relnamespace = n.oid
            where c.relkind = 'r' and not c.relrowsecurity
              and (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
                   or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
              and n.nspname = any(array(select trim(unnest(string_to_array(current_setting('pgrst.db_schemas', 't'), ',')))))
              and n.nspname in ('public', 'usersync')
            """),
    RLS_REFERENCES_USER_METADATA("0015", """
            select schemaname || '.' || tablename || ' ' || policyname
            from pg_catalog.pg_policies
            where schemaname in ('public', 'usersync')
              and (qual like '%auth.jwt()%user_metadata%'
                or qual like '%current_setting(%request.jwt.claims%)%user_metadata%'
                or with_check like '%auth.jwt()%user_metadata%'
                or with_check like '%current_setting(%request.jwt.claims%)%user_metadata%')
            """),
    SENSITIVE_COLUMNS_EXPOSED("0023", """
            select c.oid::regclass || '.' || a.attname
            from pg_catalog.pg_class c
                join pg_catalog.pg_namespace n on c.relnamespace = n.oid
                join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            where c.relkind = 'r' and not c.relrowsecurity
              and (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
                   or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
              and n.nspname = any(array(select trim(unnest(string_to_array(current_setting('pgrst.db_schemas', 't'), ',')))))
              and n.nspname in ('public', 'usersync')
              and replace(lower(a.attname), '-', '_') in (
                'password', 'passwd', 'pwd', 'passphrase', 'secret', 'secret_key', 'private_key', 'api_key', 'apikey',
                'auth_key', 'token', 'jwt', 'access_token', 'refresh_token', 'oauth_token', 'session_token', 'bearer_token',
                'auth_code', 'session_id', 'session_key', 'session_secret', 'recovery_code', 'backup_code',
                'verification_code', 'otp', 'two_factor', '2fa_secret', '2fa_code', 'ssn', 'social_security',
                'social_security_number', 'driver_license', 'drivers_license', 'license_number', 'passport_number',
                'passport_id', 'national_id', 'tax_id', 'credit_card', 'card_number', 'cvv', 'cvc', 'cvn', 'bank_account',
                'account_number', 'routing_number', 'iban', 'swift_code', 'bic', 'health_record', 'medical_record',
                'patient_id', 'insurance_number', 'health_insurance', 'medical_insurance', 'treatment', 'mac_address',
                'macaddr', 'imei', 'device_uuid', 'pgp_key', 'gpg_key', 'ssh_key', 'certificate', 'license_key',
                'activation_key', 'facial_recognition')
            """),
    RLS_POLICY_ALWAYS_TRUE("0024", """
            select schema_name || '.' || table_name || ' ' || policy_name from (
                select pb.schemaname as schema_name, pb.tablename as table_name, pa.polname as policy_name, pa.polroles,
                       pa.polpermissive as is_permissive, pc.relrowsecurity as is_rls_active,
                       case pa.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE'
                                      when 'd' then 'DELETE' when '*' then 'ALL' end as command,
                       pb.qual, pb.with_check,
                       replace(replace(replace(lower(coalesce(pb.qual, '')), ' ', ''), E'\\n', ''), E'\\t', '') as nq,
                       replace(replace(replace(lower(coalesce(pb.with_check, '')), ' ', ''), E'\\n', ''), E'\\t', '') as nw
                from pg_catalog.pg_policy pa
                    join pg_catalog.pg_class pc on pa.polrelid = pc.oid
                    join pg_catalog.pg_namespace nsp on pc.relnamespace = nsp.oid
                    join pg_catalog.pg_policies pb on pc.relname = pb.tablename and nsp.nspname = pb.schemaname
                        and pa.polname = pb.policyname
                where pc.relkind = 'r' and nsp.nspname in ('public', 'usersync')) p
            where is_rls_active and is_permissive
              and (polroles = array[0::oid]
                   or exists (select 1 from unnest(polroles) r where r::regrole::text in ('anon', 'authenticated')))
              and ((command in ('UPDATE', 'DELETE', 'ALL')
                    and (nq in ('true', '(true)', '1=1', '(1=1)') or (qual is null and is_permissive)))
                or nw in ('true', '(true)', '1=1', '(1=1)')
                or (with_check is null and is_permissive and command = 'INSERT')
                or (with_check is null and is_permissive and command in ('UPDATE', 'ALL')
                    and nq in ('true', '(true)', '1=1', '(1=1)')))
            """),
    ANON_SECURITY_DEFINER_FUNCTION_EXECUTABLE("0028", """
            select p.oid::regprocedure::text
            from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on p.pronamespace = n.oid
            where p.prosecdef and pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE')
              and n.nspname = any(array(select trim(unnest(string_to_array(current_setting('pgrst.db_schemas', 't'), ',')))))
              and n.nspname in ('public', 'usersync')
            """),
    AUTHENTICATED_SECURITY_DEFINER_FUNCTION_EXECUTABLE("0029", """
            select p.oid::regprocedure::text
            from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on p.pronamespace = n.oid
            where p.prosecdef and pg_catalog.has_function_privilege('authenticated', p.oid, 'EXECUTE')
              and n.nspname = any(array(select trim(unnest(string_to_array(current_setting('pgrst.db_schemas', 't'), ',')))))
              and n.nspname in ('public', 'usersync')
            """);

    /** What PostgREST serves on a Supabase project unless its API settings say otherwise. */
    private static final String SUPABASE_API_SCHEMAS = "public, graphql_public";

    private final String number;
    private final String sql;

    SupabaseLint(String number, String sql) {
        this.number = number;
        this.sql = sql;
    }

    /** What this lint finds in the database, as splinter would list it: one text per table, policy, index or function. */
    List<String> findings(DataSource database) throws SQLException {
        List<String> findings = new ArrayList<>();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("set pgrst.db_schemas = '" + SUPABASE_API_SCHEMAS + "'");
            try (ResultSet rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    findings.add(rs.getString(1));
                }
            }
        }
        return findings;
    }

    @Override
    public String toString() {
        return number + "_" + name().toLowerCase();
    }
}
