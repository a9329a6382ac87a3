-- Which dead letters were re-published, so that running a redrive again re-publishes nothing twice.
create table usersync.dlt_redrives (
    dlt_topic text not null,
    dlt_partition int not null,
    dlt_offset bigint not null,
    target_topic text not null,
    redriven_at timestamptz not null default now(),
    primary key (dlt_topic, dlt_partition, dlt_offset)
);
