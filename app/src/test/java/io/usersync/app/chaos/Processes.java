package io.usersync.app.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Stops several processes at once, each on a thread of its own: clean stops of many JVMs take as long as the slowest. */
final class Processes {

    private Processes() {
    }

    static void closeAll(Collection<? extends AutoCloseable> processes) throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            List<Future<?>> closing = new ArrayList<>();
            for (AutoCloseable process : processes) {
                closing.add(threads.submit(() -> {
                    process.close();
                    return null;
                }));
            }
            for (Future<?> close : closing) {
                try {
                    close.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            threads.shutdown();
        }
    }
}
