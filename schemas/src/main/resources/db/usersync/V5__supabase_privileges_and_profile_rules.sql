-- Who may read and write public.users. On Supabase, default privileges give anon, authenticated and
-- service_role ALL on every new table in schema public (V1's grants added nothing to that): anyone with
-- the anon key could read every email, truncate the table, and a signed-in user could rewrite the
-- pipeline's columns of their own row (a source_lsn at its maximum froze the row against every later
-- change). Start from nothing and grant back only what each role needs. The pipeline writes as the table
-- owner, which these privileges and row level security do not restrict; the checks below bind it too.
revoke all on public.users from public, anon, authenticated, service_role;

-- The public profile. Not public: email, how the user signs in (provider, providers, email_verified,
-- is_anonymous), when they were last active (updated_at, last_sign_in_at), the pipeline's own columns
-- (source_lsn, synced_at). deleted_at is public: soft-deleted profiles stay readable and clients must be
-- able to tell them apart.
grant select (id, username, full_name, avatar_url, created_at, deleted_at) on public.users to anon, authenticated;

-- A signed-in user edits these three columns of their own row (policy users_update_own). Renames are
-- captured and adopted by the pipeline.
grant update (username, full_name, avatar_url) on public.users to authenticated;

-- Back-ends with the service key read everything and may moderate the editable columns; rows come and go
-- only with auth.users, through the pipeline.
grant select on public.users to service_role;
grant update (username, full_name, avatar_url) on public.users to service_role;

-- A signed-in user's own email, without letting anyone read the email column.
create function public.current_user_email() returns text
    language sql stable
    security definer
    set search_path = ''
as $$
    select u.email from public.users u where u.id = auth.uid()
$$;

revoke all on function public.current_user_email() from public, anon, authenticated, service_role;
grant execute on function public.current_user_email() to authenticated;

-- Usernames the pipeline never lets stand alone: UsernameBase.RESERVED in the stream processor, kept equal
-- to it by ReservedUsernamesIT. Changing the list takes a new migration that replaces this function; rows
-- written before are not checked again.
create function usersync.reserved_usernames() returns text[]
    language sql immutable parallel safe
    set search_path = ''
as $$
    select array[
        'admin', 'administrator', 'root', 'support', 'api', 'www', 'system', 'help', 'info', 'mail',
        'postmaster', 'hostmaster', 'webmaster', 'security', 'abuse', 'noreply', 'no_reply', 'staff',
        'moderator', 'owner', 'billing', 'service', 'service_role', 'anon', 'authenticated', 'supabase',
        'usersync', 'null', 'undefined', 'me', 'settings', 'login', 'logout', 'signup', 'auth'
    ]::text[]
$$;

-- The rules the pipeline's normalizer follows, for whoever writes. NOT VALID: rows written before this
-- migration are not checked (a database holding one must still get the privileges above), every new or
-- changed row is.
alter table public.users
    add constraint users_username_not_reserved check (username <> all (usersync.reserved_usernames())) not valid,
    add constraint users_full_name_length check (char_length(full_name) <= 256) not valid,
    add constraint users_avatar_url_http check (avatar_url ~* '^https?://[^\s/?#]') not valid,
    add constraint users_avatar_url_length check (char_length(avatar_url) <= 2048) not valid;
