-- public.users: the profile table that usersync keeps in step with auth.users.
-- No foreign key to auth.users: the sink may write to another database, and a late event must never
-- fail on a missing parent row.
create table public.users (
    id uuid primary key,
    email text,
    username text not null,
    full_name text,
    avatar_url text,
    provider text,
    providers text[],
    email_verified boolean not null default false,
    is_anonymous boolean not null default false,
    created_at timestamptz,
    updated_at timestamptz,
    last_sign_in_at timestamptz,
    deleted_at timestamptz,
    source_lsn bigint not null,
    synced_at timestamptz not null default now(),
    constraint users_username_format check (username ~ '^[a-z0-9_]{3,32}$')
);

create unique index users_username_lower_key on public.users (lower(username));

-- Supabase-style row level security. The pipeline writes as the table owner, which RLS does not
-- restrict; everyone else may read, and a signed-in user may change only their own row.
alter table public.users enable row level security;

create policy users_select_all on public.users
    for select
    using (true);

create policy users_update_own on public.users
    for update to authenticated
    using (auth.uid() = id)
    with check (auth.uid() = id);

grant select on public.users to anon, authenticated;
grant update (username, full_name, avatar_url) on public.users to authenticated;

-- The pipeline's own tables live apart from the application's.
create schema if not exists usersync;

-- Capture's heartbeat: a row written periodically and captured, so the replication slot advances
-- even when auth.users is idle and the database's other traffic would otherwise pin WAL.
create table usersync.capture_heartbeat (
    id int primary key,
    beat_at timestamptz not null
);
