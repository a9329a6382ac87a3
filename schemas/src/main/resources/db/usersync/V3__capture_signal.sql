-- Debezium's signal table: a row asking for an incremental snapshot of auth.users (all users, or some)
-- makes capture re-read those rows through the running slot, so a resync needs no second slot and no restart.
create table usersync.capture_signal (
    id text primary key,
    type text not null,
    data text
);
