-- Usernames set outside the pipeline (a rename by the application, a row inserted by another writer) must
-- reach the stream processor, which never hands them out again. Capturing every change of public.users did
-- that, but most of those changes are the sink's own writes coming back: per new user one more change to
-- decode, publish, read and drop. Instead the publication leaves public.users out, and these triggers
-- announce only the usernames others set, as a transactional logical decoding message that capture reads
-- from the replication slot in commit order (prefix usersync.username, content {"id": ..., "username": ...}).
--
-- The sink connects with application_name 'usersync-sink' (SinkStage); its writes are not announced. A
-- writer that is not the sink but claims that name only skips its own announcement: the username then is
-- unknown to the pipeline, and a later claim of it fails on the unique index and goes to the dead letters.
create function usersync.announce_username() returns trigger
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

create trigger users_announce_inserted_username
    after insert on public.users
    for each row
    when (new.username is not null
          and pg_catalog.current_setting('application_name') is distinct from 'usersync-sink')
    execute function usersync.announce_username();

create trigger users_announce_changed_username
    after update of username on public.users
    for each row
    when (new.username is distinct from old.username and new.username is not null
          and pg_catalog.current_setting('application_name') is distinct from 'usersync-sink')
    execute function usersync.announce_username();
