-- A deleted user never comes back. The stream processor runs at least once: after a crash it sends a profile again,
-- and a replay, a redrive or a late partition can bring a profile older than the user's delete after the sink applied
-- it. The row's source_lsn guard stops such a profile only while the row is there; a hard delete takes the row, and
-- with it the guard. So the sink remembers the LSN of every delete it applies here, and no write of the sink inserts
-- a row at or below it (the trigger below, for every way the sink writes). Soft deletes are remembered too: a row the
-- app removed meanwhile must not come back either.
create table usersync.sink_deletes (
    user_id uuid primary key,
    source_lsn bigint not null,
    deleted_at timestamptz not null default now()
);

create function usersync.keep_deleted_users_deleted() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
begin
    if exists (select 1 from usersync.sink_deletes d where d.user_id = new.id and d.source_lsn >= new.source_lsn) then
        return null;
    end if;
    return new;
end
$$;

revoke all on function usersync.keep_deleted_users_deleted() from public;

-- Only the sink's writes (V6's application_name): the WHEN clause keeps every other writer from calling the function.
create trigger users_keep_deleted_users_deleted
    before insert on ${users_table}
    for each row
    when (pg_catalog.current_setting('application_name') = 'usersync-sink')
    execute function usersync.keep_deleted_users_deleted();
