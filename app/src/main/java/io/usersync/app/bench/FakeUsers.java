package io.usersync.app.bench;

/**
 * The bench's users, written straight into {@code auth.users} as Supabase's auth server writes them. Each
 * statement takes its users from a source of {@code (seq, id)}: one row bound by the driver, or a
 * {@code generate_series} for bulk loads. {@code created_at} is {@code clock_timestamp()} at insert, the
 * start of the latency every phase measures.
 */
final class FakeUsers {

    private static final String FIRST_NAMES = "array['james','mary','john','patricia','robert','jennifer','michael',"
            + "'linda','william','elizabeth','david','barbara','richard','susan','joseph','jessica','thomas','sarah',"
            + "'charles','karen','chris','nancy','daniel','lisa','matthew','betty','anthony','margaret','mark','sandra',"
            + "'donald','ashley','steven','kim','paul','emily','andrew','donna','joshua','michelle','ken','dorothy',"
            + "'kevin','carol','brian','amanda','george','melissa','tim','deborah','ronald','stephanie','edward',"
            + "'rebecca','jason','sharon','jeff','laura','ryan','cynthia','jacob','kathleen','gary','amy']";
    private static final String LAST_NAMES = "array['smith','johnson','williams','brown','jones','garcia','miller',"
            + "'davis','rodriguez','martinez','hernandez','lopez','gonzalez','wilson','anderson','thomas','taylor',"
            + "'moore','jackson','martin','lee','perez','thompson','white','harris','sanchez','clark','ramirez','lewis',"
            + "'robinson','walker','young','allen','king','wright','scott','torres','nguyen','hill','flores','green',"
            + "'adams','nelson','baker','hall','rivera','campbell','mitchell','carter','roberts','gomez','phillips',"
            + "'evans','turner','diaz','parker','cruz','edwards','collins','reyes','stewart','morris','morales','murphy']";

    /** One user bound as {@code (seq, id)}. */
    static final String ONE = "(values (?::bigint, ?::uuid)) s(seq, id)";
    /** Users {@code seq} from the first to the second parameter, ids made by the database. */
    static final String SERIES = "(select g, gen_random_uuid() from generate_series(?::bigint, ?::bigint) g) s(seq, id)";

    private FakeUsers() {
    }

    /**
     * Google OAuth sign-ups shaped like the peer comparison's {@code bench.fake_user}: a name from 64 x 64
     * first and last names, a unique gmail address from it (so usernames rarely collide), Google's metadata
     * keys, a picture URL.
     */
    static String google(String source) {
        return "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,"
                + " last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)"
                + " select '00000000-0000-0000-0000-000000000000', s.id, 'authenticated', 'authenticated', v.email, '',"
                + " now(), now(), '{\"provider\": \"google\", \"providers\": [\"google\"]}',"
                + " jsonb_build_object('iss', 'https://accounts.google.com', 'sub', v.sub, 'name', v.full_name,"
                + " 'full_name', v.full_name, 'email', v.email, 'picture', v.pic, 'avatar_url', v.pic, 'provider_id', v.sub,"
                + " 'email_verified', true, 'phone_verified', false), clock_timestamp(), clock_timestamp()"
                + " from " + source + " cross join lateral (select initcap(n.f) || ' ' || initcap(n.l) as full_name,"
                + " n.f || '.' || n.l || case when s.seq >= 4096 then '.' || (s.seq / 4096)::text else '' end || '@gmail.com' as email,"
                + " '1' || lpad(abs(hashtextextended(s.seq::text, 0))::text, 20, '0') as sub,"
                + " 'https://lh3.googleusercontent.com/a/ACg8oc' || md5(s.seq::text) || '=s96-c' as pic"
                + " from (select (" + FIRST_NAMES + ")[s.seq % 64 + 1] as f, (" + LAST_NAMES + ")[(s.seq / 64) % 64 + 1] as l) n) v";
    }

    /**
     * Anonymous sign-ups: no email and no name, so every one of them has the username base {@code user}
     * ({@code named} false); or the same with a distinct full name each, so every one has its own base.
     */
    static String anonymous(String source, boolean named) {
        return "insert into auth.users (instance_id, id, aud, role, raw_app_meta_data, raw_user_meta_data, created_at,"
                + " updated_at, is_anonymous)"
                + " select '00000000-0000-0000-0000-000000000000', s.id, 'authenticated', 'authenticated',"
                + " '{\"provider\": \"anonymous\", \"providers\": [\"anonymous\"]}', "
                + (named ? "jsonb_build_object('full_name', 'Bench User ' || s.seq::text)" : "'{}'::jsonb")
                + ", clock_timestamp(), clock_timestamp(), true from " + source;
    }
}
