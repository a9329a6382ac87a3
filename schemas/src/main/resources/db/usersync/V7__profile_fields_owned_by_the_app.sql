-- Who owns which field of the profile table (${users_table}: public.users, or the app's own table that
-- `usersync migrate` adopted). The auth-owned fields always follow auth.users. The profile fields
-- (username, full_name, avatar_url) are seeded from the provider's metadata and follow it until anyone but the
-- pipeline writes that field of that row (the user editing their profile, the app's back-end, an operator);
-- from then on the field is the app's, and no write of the pipeline changes it, whichever way it came (a
-- sign-in, an email change, a resync, a repair, a redrive, a replay into an emptied table, a fresh deployment).
--
-- The rule lives here, in the database, so that it binds every writer and every instance of the sink at once.
-- The pipeline is the sink's connection: application_name 'usersync-sink', as in V6. A writer that claims that
-- name gives up only the protection of its own edits.

-- The fields the app owns, with the value it gave them. Apart from public.users and without a foreign key to it:
-- an operator who truncates public.users and replays the profiles topic gets the edits back. The sink removes a
-- user's entries when it applies their delete.
create table usersync.app_owned_fields (
    user_id uuid not null,
    field text not null constraint app_owned_fields_field
        check (field in ('username', 'full_name', 'avatar_url')),
    value text,
    owned_since timestamptz not null default now(),
    primary key (user_id, field)
);

create function usersync.keep_app_owned_fields() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
declare
    owned record;
begin
    if pg_catalog.current_setting('application_name') = 'usersync-sink' then
        -- A deleted user's profile fields are cleared (soft delete) whoever wrote them.
        if new.deleted_at is null then
            for owned in select o.field, o.value from usersync.app_owned_fields o where o.user_id = new.id loop
                case owned.field
                    when 'username' then new.username := owned.value;
                    when 'full_name' then new.full_name := owned.value;
                    when 'avatar_url' then new.avatar_url := owned.value;
                end case;
            end loop;
        end if;
        return new;
    end if;
    -- Anyone else: a row they insert is theirs in every field they fill; a row they update, in every field they change.
    insert into usersync.app_owned_fields as o (user_id, field, value)
    select new.id, f.field, f.value
    from (values ('username', new.username, old.username),
                 ('full_name', new.full_name, old.full_name),
                 ('avatar_url', new.avatar_url, old.avatar_url)) as f (field, value, before)
    where case when tg_op = 'INSERT' then f.value is not null else f.value is distinct from f.before end
    on conflict (user_id, field) do update set value = excluded.value, owned_since = now();
    return new;
end
$$;

revoke all on function usersync.keep_app_owned_fields() from public;

create trigger users_keep_app_owned_fields
    before insert or update of username, full_name, avatar_url on ${users_table}
    for each row
    execute function usersync.keep_app_owned_fields();

-- Gives fields of a user back to the provider: the app no longer owns them, and capture re-reads the user
-- (an incremental snapshot through the running slot, as `usersync resync --from source --user` asks), so the
-- provider's values are written within seconds, not at the user's next sign-in. Returns how many fields were
-- the app's. For the app's back-end (service_role) and the `usersync give-back` command.
create function usersync.give_back_to_provider(user_id uuid, fields text[]) returns integer
    language plpgsql
    security definer
    set search_path = ''
as $$
declare
    released integer;
begin
    if user_id is null or fields is null or pg_catalog.cardinality(fields) = 0
            or not fields <@ array['username', 'full_name', 'avatar_url'] then
        raise exception 'give_back_to_provider takes a user id and fields among username, full_name, avatar_url'
            using errcode = '22023';
    end if;
    delete from usersync.app_owned_fields o where o.user_id = give_back_to_provider.user_id and o.field = any (fields);
    get diagnostics released = row_count;
    insert into usersync.capture_signal (id, type, data)
    values (pg_catalog.gen_random_uuid()::text, 'execute-snapshot',
            pg_catalog.json_build_object(
                'type', 'incremental',
                'data-collections', pg_catalog.json_build_array('auth.users'),
                'additional-conditions', pg_catalog.json_build_array(pg_catalog.json_build_object(
                    'data-collection', 'auth.users',
                    'filter', pg_catalog.format('id in (%L)', give_back_to_provider.user_id))))::text);
    return released;
end
$$;

revoke all on function usersync.give_back_to_provider(uuid, text[]) from public;
grant usage on schema usersync to service_role;
grant execute on function usersync.give_back_to_provider(uuid, text[]) to service_role;

-- The policy in force, as apply_profile_fields_policy left it.
create function usersync.profile_fields_policy() returns text
    language sql stable
    set search_path = ''
as $$
    select case when t.tgenabled = 'D' then 'from-auth' else 'editable' end
    from pg_catalog.pg_trigger t
    where t.tgrelid = '${users_table}'::pg_catalog.regclass and t.tgname = 'users_keep_app_owned_fields'
$$;

-- Which policy holds: 'editable' (the default above) or 'from-auth' (auth.users owns every field: the pipeline
-- overwrites all of them, and nobody else may update them, so that an edit fails at once instead of vanishing
-- at the next sign-in). `usersync migrate` applies USERSYNC_PROFILE_FIELDS through this, and `run` refuses to
-- start when the database holds another: the privileges and the policy never disagree.
create function usersync.apply_profile_fields_policy(policy text) returns void
    language plpgsql
    set search_path = ''
as $$
declare
    editors text;
begin
    select pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ', ') into editors
    from pg_catalog.pg_roles r where r.rolname in ('authenticated', 'service_role');
    if policy = 'editable' then
        -- Back from from-auth, the editors get back what V5 gave them; otherwise their privileges stay as they are
        -- (an adopted table keeps the app's own).
        if editors is not null and usersync.profile_fields_policy() = 'from-auth' then
            execute 'grant update (username, full_name, avatar_url) on ${users_table} to ' || editors;
        end if;
        alter table ${users_table} enable trigger users_keep_app_owned_fields;
    elsif policy = 'from-auth' then
        alter table ${users_table} disable trigger users_keep_app_owned_fields;
        delete from usersync.app_owned_fields;
        if editors is not null then
            execute 'revoke update (username, full_name, avatar_url) on ${users_table} from ' || editors;
        end if;
    else
        raise exception 'unknown profile fields policy: %', policy using errcode = '22023';
    end if;
end
$$;

revoke all on function usersync.apply_profile_fields_policy(text) from public;

-- Rows no pipeline has written yet (source_lsn 0: a table `usersync migrate` adopted, filled by the app or a
-- handle_new_user trigger) are the app's in every profile field they fill.
insert into usersync.app_owned_fields (user_id, field, value)
select u.id, f.field, f.value
from ${users_table} u
cross join lateral (values ('username', u.username), ('full_name', u.full_name), ('avatar_url', u.avatar_url))
    as f (field, value)
where u.source_lsn = 0 and f.value is not null;
