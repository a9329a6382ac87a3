package io.usersync.schemas.testing;

/**
 * Supabase's user management starter, as its docs give it: a profiles table named public.users here, filled by a
 * {@code handle_new_user} trigger on auth.users, usernames unique as typed. What an app that moves onto usersync has.
 * Needs the dev {@code auth} schema.
 */
public final class SupabaseStarter {

    /** The starter's DDL, statement by statement. */
    public static final String[] PROFILES_TABLE = {
            """
            create table public.users (
              id uuid references auth.users on delete cascade not null primary key,
              updated_at timestamp with time zone,
              username text unique,
              full_name text,
              avatar_url text,
              website text,
              constraint username_length check (char_length(username) >= 3)
            )""",
            "alter table public.users enable row level security",
            "create policy \"Public profiles are viewable by everyone.\" on public.users for select using (true)",
            "create policy \"Users can insert their own profile.\" on public.users for insert with check ((select auth.uid()) = id)",
            "create policy \"Users can update own profile.\" on public.users for update using ((select auth.uid()) = id)",
            """
            create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
            as $$ begin
              insert into public.users (id, full_name, avatar_url)
              values (new.id, new.raw_user_meta_data->>'full_name', new.raw_user_meta_data->>'avatar_url');
              return new;
            end; $$""",
            "create trigger on_auth_user_created after insert on auth.users for each row execute procedure public.handle_new_user()"};

    private SupabaseStarter() {
    }
}
