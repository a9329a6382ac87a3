-- V6's announcements of usernames set outside the pipeline, on the profile table whatever its name: V6 names
-- public.users, so an app's own table of another name that `usersync migrate` adopted (V6 recorded, not run) gets
-- them here. On public.users this replaces V6's function and triggers with the same.
create or replace function usersync.announce_username() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
begin
    perform pg_catalog.pg_logical_emit_message(true, 'usersync.username',
            pg_catalog.json_build_object('id', new.id, 'username', new.username)::text);
    return null;
end
$$;

revoke all on function usersync.announce_username() from public;

create or replace trigger users_announce_inserted_username
    after insert on ${users_table}
    for each row
    when (new.username is not null
          and pg_catalog.current_setting('application_name') is distinct from 'usersync-sink')
    execute function usersync.announce_username();

create or replace trigger users_announce_changed_username
    after update of username on ${users_table}
    for each row
    when (new.username is distinct from old.username and new.username is not null
          and pg_catalog.current_setting('application_name') is distinct from 'usersync-sink')
    execute function usersync.announce_username();
