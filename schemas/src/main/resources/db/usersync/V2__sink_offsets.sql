-- The sink's consumer offsets, written in the same transaction as the rows they stand for: on start and
-- after every rebalance the sink seeks to these, so a crash neither loses nor repeats a write.
create table usersync.sink_offsets (
    group_id text not null,
    topic text not null,
    partition int not null,
    next_offset bigint not null,
    updated_at timestamptz not null default now(),
    primary key (group_id, topic, partition)
);
