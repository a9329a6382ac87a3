package io.usersync.app.http;

import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies the Bearer token of /sync with Nimbus JOSE+JWT: HS256 with the project's JWT secret, or
 * RS256/ES256 with keys from a JWKS URL (cached; fetched again for an unknown key id, but at most twice per
 * {@link #JWKS_MIN_REFRESH_INTERVAL_MS}, so a stream of tokens with made-up key ids cannot make the server hammer
 * the JWKS endpoint). Any other algorithm, {@code none} included, is refused; {@code exp} is required and
 * {@code exp}/{@code nbf} are checked with a small clock skew; {@code iss} and {@code aud} must match where
 * configured; the {@code role} claim must be the required role.
 */
public final class JwtAuthenticator {

    private static final int MAX_CLOCK_SKEW_SECONDS = 30;
    static final long JWKS_MIN_REFRESH_INTERVAL_MS = 30_000;
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** The outcome: who is calling, or why not. */
    public sealed interface Result {
        record Authorized(String subject) implements Result {
        }

        /** No valid token: answer 401. The reason is for the response, never the token itself. */
        record Unauthenticated(String reason) implements Result {
        }

        /** A valid token without the required role: answer 403. */
        record Forbidden(String reason) implements Result {
        }
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String requiredRole;

    /**
     * @param issuer   the {@code iss} every token must carry; empty: not checked
     * @param audience a value the token's {@code aud} must hold; empty: not checked
     */
    public JwtAuthenticator(Optional<String> secret, Optional<URI> jwksUrl, String requiredRole, Optional<String> issuer,
            Optional<String> audience) {
        this.requiredRole = requiredRole;
        JWSKeySelector<SecurityContext> hmac = secret
                .<JWSKeySelector<SecurityContext>>map(s -> new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                        new ImmutableSecret<>(s.getBytes(StandardCharsets.UTF_8))))
                .orElse(null);
        JWSKeySelector<SecurityContext> jwks = jwksUrl.map(JwtAuthenticator::jwksSelector).orElse(null);
        processor.setJWSKeySelector((header, context) -> {
            // The algorithm picks the key source: an HS token is never checked against a public key.
            if (JWSAlgorithm.HS256.equals(header.getAlgorithm()) && hmac != null) {
                return hmac.selectJWSKeys(header, context);
            }
            if (ASYMMETRIC.contains(header.getAlgorithm()) && jwks != null) {
                return jwks.selectJWSKeys(header, context);
            }
            return List.of();
        });
        JWTClaimsSet.Builder exactMatch = new JWTClaimsSet.Builder();
        issuer.ifPresent(exactMatch::issuer);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audience.map(Set::of).orElse(null), exactMatch.build(), Set.of("exp"), null);
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    private static JWSKeySelector<SecurityContext> jwksSelector(URI url) {
        try {
            JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(url.toURL())
                    .rateLimited(JWKS_MIN_REFRESH_INTERVAL_MS)
                    .build();
            return new JWSVerificationKeySelector<>(ASYMMETRIC, source);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWKS URL is not a URL", e);
        }
    }

    /** @param authorization the Authorization header, or null */
    public Result authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Result.Unauthenticated("missing bearer token");
        }
        String token = authorization.substring(7).trim();
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return new Result.Unauthenticated("malformed token");
        } catch (BadJOSEException e) {
            // The message may quote the token's claims (a rejected aud or iss): keep it printable.
            return new Result.Unauthenticated("invalid token: " + printable(e.getMessage()));
        } catch (JOSEException e) {
            return new Result.Unauthenticated("token could not be verified");
        }
        Object role = claims.getClaim("role");
        if (!requiredRole.equals(role)) {
            return new Result.Forbidden("role " + requiredRole + " required");
        }
        return new Result.Authorized(claims.getSubject());
    }

    /** Safe inside a quoted header value and a JSON string: no quotes, backslashes or control characters. */
    private static String printable(String message) {
        String text = message == null ? "" : message.replaceAll("[^\\x20-\\x7E]|[\"\\\\]", "");
        return text.length() > 120 ? text.substring(0, 120) : text;
    }
}
