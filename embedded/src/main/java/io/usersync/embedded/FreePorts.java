package io.usersync.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Finds loopback ports that nothing listens on, so servers of one run never collide with another's. The system can
 * hand out a port again as soon as it is closed, so a port this process was given once is never given again: two
 * listeners of one broker asked for one after the other got the same port now and then.
 */
final class FreePorts {

    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    static int next() {
        return next(FreePorts::unused);
    }

    /** The first of the candidates not given before. */
    static synchronized int next(IntSupplier candidates) {
        while (true) {
            int port = candidates.getAsInt();
            if (GIVEN.add(port)) {
                return port;
            }
        }
    }

    /** A port nothing listens on now. */
    private static int unused() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
