package io.usersync.schemas.testing;

import java.util.Arrays;

/**
 * Supabase's user management starter, as its docs give it: a profiles table, filled by a {@code handle_new_user}
 * trigger on auth.users, usernames unique as typed. What an app that moves onto usersync has. Needs the dev
 * {@code auth} schema.
 */
public final class SupabaseStarter {

    private static final String[] STARTER = {
            """
            create table public.profiles (
              id uuid references auth.users on delete cascade not null primary key,
              updated_at timestamp with time zone,
              username text unique,
              full_name text,
              avatar_url text,
              website text,
              constraint username_length check (char_length(username) >= 3)
            )""",
            "alter table public.profiles enable row level security",
            "create policy \"Public profiles are viewable by everyone.\" on public.profiles for select using (true)",
            "create policy \"Users can insert their own profile.\" on public.profiles for insert with check ((select auth.uid()) = id)",
            "create policy \"Users can update own profile.\" on public.profiles for update using ((select auth.uid()) = id)",
            """
            create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
            as $$ begin
              insert into public.profiles (id, full_name, avatar_url)
              values (new.id, new.raw_user_meta_data->>'full_name', new.raw_user_meta_data->>'avatar_url');
              return new;
            end; $$""",
            "create trigger on_auth_user_created after insert on auth.users for each row execute procedure public.handle_new_user()"};

    /** The starter's DDL, statement by statement, with the table named public.users. */
    public static final String[] PROFILES_TABLE = profilesTable("public.users");

    private SupabaseStarter() {
    }

    /**
     * The starter's DDL, statement by statement, with the table named {@code qualifiedName}: {@code public.profiles}
     * as in Supabase's guide, {@code public.users}, or another.
     */
    public static String[] profilesTable(String qualifiedName) {
        return Arrays.stream(STARTER).map(statement -> statement.replace("public.profiles", qualifiedName)).toArray(String[]::new);
    }
}
