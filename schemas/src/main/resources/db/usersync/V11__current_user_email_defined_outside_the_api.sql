-- V5's public.current_user_email() is SECURITY DEFINER in schema public, which PostgREST exposes: any function there is
-- an endpoint, and one that runs as its owner is what Supabase's linter reports (lint 0029) and its docs say to keep in a
-- schema the API does not expose. The definer body moves to usersync; public.current_user_email() stays, with the same
-- signature, result and privileges (authenticated only), as a SECURITY INVOKER wrapper that calls it, so that
-- rpc('current_user_email') works as before and nothing in public runs with its owner's rights.
--
-- Only the function as V5 made it, or `usersync migrate` made it when adopting the app's table (the same body on
-- ${users_table}): an app's own current_user_email(), which adoption keeps, stays as it is.
do $$
declare
    role name;
begin
    if exists (select 1 from pg_catalog.pg_proc p
               where p.oid = pg_catalog.to_regprocedure('public.current_user_email()') and p.prosecdef
                 and pg_catalog.btrim(p.prosrc, E' \n')
                     = 'select u.email from ${users_table} u where u.id = auth.uid()') then
        create function usersync.current_user_email() returns text
            language sql stable
            security definer
            set search_path = ''
        as $function$
            select u.email from ${users_table} u where u.id = auth.uid()
        $function$;

        -- Keeps the wrapper's privileges (V5's, or adoption's: executable by authenticated alone).
        create or replace function public.current_user_email() returns text
            language sql stable
            security invoker
            set search_path = ''
        as $function$
            select usersync.current_user_email()
        $function$;

        revoke all on function usersync.current_user_email() from public;
        -- Whatever default privileges the schema has: as V5 did for the function in public.
        for role in select r.rolname from pg_catalog.pg_roles r where r.rolname in ('anon', 'authenticated', 'service_role') loop
            execute pg_catalog.format('revoke all on function usersync.current_user_email() from %I', role);
        end loop;
        if exists (select 1 from pg_catalog.pg_roles r where r.rolname = 'authenticated') then
            -- The wrapper runs as its caller, who needs the schema to find the function. USAGE lets them look up
            -- names in usersync, not read its tables (no role but the owner and the pipeline's has a privilege on one)
            -- nor call its functions (each is revoked from PUBLIC, below or where it was made).
            grant usage on schema usersync to authenticated;
            grant execute on function usersync.current_user_email() to authenticated;
        end if;
    end if;
end
$$;

-- Executable by PUBLIC since V7, and only migrate's apply_profile_fields_policy (run as the owner) calls it.
-- usersync.reserved_usernames() stays executable by everyone: V5's check users_username_not_reserved calls it as whoever
-- writes the table (a user renaming themselves, the pipeline's role), and it returns the list docs/security.md names.
revoke all on function usersync.profile_fields_policy() from public;
