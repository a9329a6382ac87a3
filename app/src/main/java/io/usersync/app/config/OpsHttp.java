package io.usersync.app.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How the operations endpoints face the network and which tokens they take, beyond port and keys.
 *
 * @param bindAddress        address the server listens on; loopback unless a container needs every interface
 * @param readTimeout        a connection whose request head or body stalls this long is closed
 * @param maxConcurrentSyncs /sync requests served at once; the rest get 503
 * @param jwtIssuer          the {@code iss} a /sync token must carry, if set
 * @param jwtAudience        an {@code aud} a /sync token must carry, if set
 */
public record OpsHttp(String bindAddress, Duration readTimeout, int maxConcurrentSyncs, Optional<String> jwtIssuer,
        Optional<String> jwtAudience) {
}
