-- The role the pipeline connects as (capture, process, sink, reconcile, resync, dlt redrive): replication,
-- its own schema usersync, public.users, and only the columns of auth.users it captures. Not a superuser,
-- not the owner of any table, and it cannot read password hashes or tokens.
--
-- Run once, after `usersync migrate`, as the owner of auth.users and public.users (postgres on Supabase),
-- then give the role a password:
--     alter role usersync_pipeline password '...';
-- and set USERSYNC_DB_USER=usersync_pipeline, USERSYNC_DB_PASSWORD to it. The publication's name is
-- USERSYNC_PUBLICATION (default usersync); rename it here if you changed it. Running it again changes nothing.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'usersync_pipeline') then
        create role usersync_pipeline;
    end if;
end
$$;
alter role usersync_pipeline with login replication nosuperuser nocreatedb nocreaterole nobypassrls;

-- auth.users: the columns a profile is made of (AuthUserRow), read by the initial snapshot, resyncs and reconcile.
grant usage on schema auth to usersync_pipeline;
grant select (id, email, phone, raw_app_meta_data, raw_user_meta_data, email_confirmed_at, phone_confirmed_at,
              last_sign_in_at, created_at, updated_at, deleted_at, is_anonymous, is_sso_user)
    on auth.users to usersync_pipeline;

-- public.users: the sink writes every row. Row level security is enabled, so the role gets a policy of its own.
grant usage on schema public to usersync_pipeline;
grant select, insert, update, delete on public.users to usersync_pipeline;
drop policy if exists users_pipeline_all on public.users;
create policy users_pipeline_all on public.users for all to usersync_pipeline using (true) with check (true);

-- usersync: heartbeat, resync signals, sink offsets, redrive claims.
grant usage on schema usersync to usersync_pipeline;
grant select, insert, update, delete on all tables in schema usersync to usersync_pipeline;
-- Tables a later `usersync migrate` adds there (run by the role running this script) are the pipeline's too.
alter default privileges in schema usersync grant select, insert, update, delete on tables to usersync_pipeline;

-- The publication capture reads; only its owner may create it. Whole rows of auth.users: with a column
-- list, Debezium 3.6 maps the columns of every change after a resync (an incremental snapshot) wrongly
-- (PipelineRoleIT resyncs, then signs up). Capture's column.include.list keeps password hashes and tokens
-- out of Kafka; the WAL stream of this publication carries them to whoever holds the slot, so keep the
-- role's password as secret as the database owner's. public.users is not in it: usernames set outside the
-- pipeline come as messages (migration V6).
do $$
begin
    if not exists (select 1 from pg_publication where pubname = 'usersync') then
        create publication usersync;
    end if;
end
$$;
alter publication usersync set table auth.users, usersync.capture_heartbeat, usersync.capture_signal;
