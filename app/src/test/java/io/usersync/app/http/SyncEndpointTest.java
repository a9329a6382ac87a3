package io.usersync.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The /sync endpoint's authentication and request rules, over real HTTP; resyncs are recorded, not run. */
class SyncEndpointTest {

    private static final String SECRET = "a-test-jwt-secret-of-at-least-32-characters!";
    private static final UUID USER = UUID.randomUUID();
    private static final String ISSUER = "https://abcdefghijklmnop.supabase.co/auth/v1";
    private static final String AUDIENCE = "authenticated";

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> resyncs = new ArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private HttpServer jwks;
    private RSAKey rsa;
    private ECKey ec;
    private OpsServer server;

    @BeforeEach
    void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        byte[] keys = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            jwksFetches.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        jwks.start();
        URI jwksUrl = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json");
        server = new OpsServer(new OpsServer.Config("127.0.0.1", 0, Duration.ofSeconds(30), 4), List::of,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new JwtAuthenticator(Optional.of(SECRET),
                        Optional.of(jwksUrl), "service_role", Optional.of(ISSUER), Optional.of(AUDIENCE)), new RecordingSync());
    }

    @AfterEach
    void stop() {
        server.close();
        jwks.stop(0);
    }

    private final class RecordingSync implements SyncService {
        @Override
        public boolean exists(UUID userId) {
            return userId.equals(USER);
        }

        @Override
        public String resyncUser(UUID userId) {
            resyncs.add(userId.toString());
            return "signal-" + resyncs.size();
        }

        @Override
        public String resyncAll() {
            resyncs.add("all");
            return "signal-" + resyncs.size();
        }

        @Override
        public Optional<String> awaitRow(UUID userId, Instant since, Duration wait) {
            return Optional.of("{\"id\":\"" + userId + "\",\"username\":\"alice\"}");
        }
    }

    private static JWTClaimsSet.Builder claims(String role) {
        return new JWTClaimsSet.Builder().subject("ops").claim("role", role).issuer(ISSUER).audience(AUDIENCE)
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static String hs256(JWTClaimsSet claims, String secret) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static String rs256(JWTClaimsSet claims, RSAKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private HttpResponse<String> post(String token, String body) throws IOException, InterruptedException {
        return post("/sync", token, body);
    }

    private HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String userBody() {
        return "{\"userId\":\"" + USER + "\"}";
    }

    @Test
    void shouldAcceptAValidHs256ServiceRoleToken() throws Exception {
        HttpResponse<String> response = post(hs256(claims("service_role").build(), SECRET), userBody());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(resyncs).containsExactly(USER.toString());
    }

    @Test
    void shouldReturnTheRowWhenAskedToWait() throws Exception {
        HttpResponse<String> response = post("/sync?wait=5s", hs256(claims("service_role").build(), SECRET), userBody());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"username\":\"alice\"");
    }

    @Test
    void shouldResyncEveryoneForAll() throws Exception {
        HttpResponse<String> response = post(hs256(claims("service_role").build(), SECRET), "{\"all\":true}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(resyncs).containsExactly("all");
    }

    @Test
    void shouldAnswer401WithWwwAuthenticateWithoutAToken() throws Exception {
        HttpResponse<String> response = post(null, userBody());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(resyncs).isEmpty();
    }

    @Test
    void shouldRefuseAnExpiredToken() throws Exception {
        JWTClaimsSet expired = claims("service_role").expirationTime(Date.from(Instant.now().minusSeconds(120))).build();

        assertThat(post(hs256(expired, SECRET), userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseATokenNotValidYet() throws Exception {
        JWTClaimsSet early = claims("service_role").notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build();

        assertThat(post(hs256(early, SECRET), userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseATokenWithoutExpiry() throws Exception {
        JWTClaimsSet forever = new JWTClaimsSet.Builder().claim("role", "service_role").build();

        assertThat(post(hs256(forever, SECRET), userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseATokenSignedWithAnotherSecret() throws Exception {
        String token = hs256(claims("service_role").build(), "another-secret-that-is-also-32-characters-long");

        assertThat(post(token, userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseAnUnsignedAlgNoneToken() throws Exception {
        String token = new PlainJWT(claims("service_role").build()).serialize();

        assertThat(post(token, userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseATamperedPayload() throws Exception {
        String[] parts = hs256(claims("authenticated").build(), SECRET).split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("service_role").build().toString().getBytes(StandardCharsets.UTF_8));

        assertThat(post(parts[0] + "." + forged + "." + parts[2], userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswer403ForAnAuthenticatedUsersToken() throws Exception {
        HttpResponse<String> response = post(hs256(claims("authenticated").build(), SECRET), userBody());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(resyncs).isEmpty();
    }

    @Test
    void shouldAcceptAnRs256TokenWhoseKeyIsInTheJwks() throws Exception {
        assertThat(post(rs256(claims("service_role").build(), rsa), userBody()).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldAcceptAnEs256TokenWhoseKeyIsInTheJwks() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(),
                claims("service_role").build());
        jwt.sign(new ECDSASigner(ec));

        assertThat(post(jwt.serialize(), userBody()).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldRefuseAnRs256TokenWithAKeyIdTheJwksDoesNotHave() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("unknown-kid").generate();

        assertThat(post(rs256(claims("service_role").build(), stranger), userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseAnHs256TokenSignedWithThePublicKeyAsSecret() throws Exception {
        String publicKeyAsSecret = rsa.toPublicJWK().toJSONString();

        assertThat(post(hs256(claims("service_role").build(), publicKeyAsSecret), userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswer400ForABodyThatIsNotJson() throws Exception {
        HttpResponse<String> response = post(hs256(claims("service_role").build(), SECRET), "userId=1");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\"");
    }

    @Test
    void shouldAnswer400ForAUserIdThatIsNotAUuid() throws Exception {
        HttpResponse<String> response = post(hs256(claims("service_role").build(), SECRET), "{\"userId\":\"1 or 1=1\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(resyncs).isEmpty();
    }

    @Test
    void shouldAnswer404ForAUserNotInAuthUsers() throws Exception {
        HttpResponse<String> response = post(hs256(claims("service_role").build(), SECRET),
                "{\"userId\":\"" + UUID.randomUUID() + "\"}");

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseATokenForAnotherAudience() throws Exception {
        JWTClaimsSet other = claims("service_role").audience("some-other-api").build();

        assertThat(post(hs256(other, SECRET), userBody()).statusCode()).isEqualTo(401);
        assertThat(resyncs).isEmpty();
    }

    @Test
    void shouldRefuseATokenWithoutAudienceWhenOneIsRequired() throws Exception {
        JWTClaimsSet none = claims("service_role").audience((String) null).build();

        assertThat(post(hs256(none, SECRET), userBody()).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseATokenFromAnotherIssuer() throws Exception {
        JWTClaimsSet other = claims("service_role").issuer("https://attacker.supabase.co/auth/v1").build();

        assertThat(post(hs256(other, SECRET), userBody()).statusCode()).isEqualTo(401);
        assertThat(resyncs).isEmpty();
    }

    @Test
    void shouldRefuseAnHs256TokenSignedWithThePemPublicKeyUnderTheRsaKeyId() throws Exception {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(rsa.toPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
                claims("service_role").build());
        jwt.sign(new MACSigner(pem.getBytes(StandardCharsets.UTF_8)));

        assertThat(post(jwt.serialize(), userBody()).statusCode()).isEqualTo(401);
        assertThat(resyncs).isEmpty();
    }

    @Test
    void shouldNotFetchTheJwksForEveryTokenWithAnUnknownKeyId() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).generate();
        assertThat(post(rs256(claims("service_role").build(), rsa), userBody()).statusCode()).isEqualTo(202);

        // A stream of tokens with made-up key ids for a few seconds: the JWKS is fetched at most twice per 30 s.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> {
            String kid = UUID.randomUUID().toString();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                    claims("service_role").build());
            jwt.sign(new RSASSASigner(stranger));
            return post(jwt.serialize(), userBody()).statusCode() == 401 && jwksFetches.get() <= 2;
        });
        assertThat(post(rs256(claims("service_role").build(), rsa), userBody()).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldAnswer403ToAUserAskingForAnotherUsersResync() throws Exception {
        JWTClaimsSet someoneElse = claims("authenticated").subject(UUID.randomUUID().toString()).build();

        HttpResponse<String> response = post(hs256(someoneElse, SECRET), userBody());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(resyncs).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999", "99999999999999999999s", "9223372036854775807h", "-1", "-1s",
            "PT999999H", "PT-1S", "61s", "P999999999D", "", "%00"})
    void shouldAnswer400ForAWaitOutsideZeroToAMinute(String wait) throws Exception {
        HttpResponse<String> response = post("/sync?wait=" + wait, hs256(claims("service_role").build(), SECRET), userBody());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\"");
        assertThat(resyncs).isEmpty();
    }
}
