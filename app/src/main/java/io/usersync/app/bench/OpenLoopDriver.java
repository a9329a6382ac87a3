package io.usersync.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop sign-ups: sign-up i is due at t0 + i/rate whatever happened before it, and a few connections
 * share that one schedule, so a slow commit delays no later sign-up unless every connection is busy. When
 * the database (or the machine the pipeline shares with it) cannot keep up, the driver does not quietly
 * slow down: each sign-up's lateness, its start minus its due time, is kept and reported.
 */
public final class OpenLoopDriver {

    /** Time as the driver sees it; the system's in production, a fake one in tests. */
    public interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void parkUntil(long deadlineNanos) {
                long now;
                while ((now = System.nanoTime()) < deadlineNanos) {
                    LockSupport.parkNanos(deadlineNanos - now);
                }
            }
        };

        long nanoTime();

        void parkUntil(long deadlineNanos) throws InterruptedException;
    }

    /** One connection's way of making sign-up number {@code index}, committed when it returns. */
    public interface SignUp extends AutoCloseable {
        void insert(int index) throws Exception;

        @Override
        default void close() throws SQLException {
        }
    }

    /** Opens one connection's {@link SignUp}. */
    public interface Connections {
        SignUp open() throws Exception;
    }

    /** Leaves the threads time to start before the first sign-up is due. */
    private static final long LEAD_NANOS = 20_000_000L;

    private final Clock clock;

    public OpenLoopDriver(Clock clock) {
        this.clock = clock;
    }

    /**
     * Makes {@code count} sign-ups at {@code rate} per second over {@code connections} connections; returns
     * when all are committed.
     *
     * @throws Exception the first sign-up that failed, after the others stopped
     */
    public Schedule run(int rate, int count, int connections, Connections opener) throws Exception {
        if (rate < 1 || count < 0 || connections < 1) {
            throw new IllegalArgumentException("rate and connections must be positive, count not negative");
        }
        List<SignUp> signUps = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                signUps.add(opener.open());
            }
            long t0 = clock.nanoTime() + LEAD_NANOS;
            Schedule schedule = new Schedule(rate, count, t0);
            AtomicInteger next = new AtomicInteger();
            AtomicLong cpuNanos = new AtomicLong();
            List<Exception> errors = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (SignUp signUp : signUps) {
                Thread thread = new Thread(() -> {
                    ThreadMXBean threadsBean = ManagementFactory.getThreadMXBean();
                    try {
                        for (int i; (i = next.getAndIncrement()) < count; ) {
                            clock.parkUntil(schedule.dueNanos(i));
                            schedule.started[i] = clock.nanoTime();
                            signUp.insert(i);
                            schedule.committed[i] = clock.nanoTime();
                        }
                    } catch (Exception e) {
                        next.set(count);
                        synchronized (errors) {
                            errors.add(e);
                        }
                    } finally {
                        cpuNanos.addAndGet(Math.max(0, threadsBean.getCurrentThreadCpuTime()));
                    }
                }, "bench-driver-" + threads.size());
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (!errors.isEmpty()) {
                throw errors.get(0);
            }
            schedule.cpuNanos = cpuNanos.get();
            return schedule;
        } finally {
            for (SignUp signUp : signUps) {
                signUp.close();
            }
        }
    }

    /** What was planned and what happened, per sign-up, in the driver's clock. */
    public static final class Schedule {

        /**
         * A run is flagged as behind when its p99 lateness exceeds this: past it, latencies measured from
         * the commit understate what a user waiting since the due time saw.
         */
        static final long BEHIND_P99_MICROS = 50_000;

        private final int rate;
        private final int count;
        private final long t0;
        private final long[] started;
        private final long[] committed;
        private long cpuNanos;

        Schedule(int rate, int count, long t0) {
            this.rate = rate;
            this.count = count;
            this.t0 = t0;
            this.started = new long[count];
            this.committed = new long[count];
        }

        public int rate() {
            return rate;
        }

        public int count() {
            return count;
        }

        public long t0Nanos() {
            return t0;
        }

        /** When sign-up i was due; exact, not accumulated from a period that was rounded. */
        public long dueNanos(int i) {
            return t0 + i * 1_000_000_000L / rate;
        }

        public long startedNanos(int i) {
            return started[i];
        }

        public long committedNanos(int i) {
            return committed[i];
        }

        /** CPU time of the driver's own threads (not the database's). */
        public long cpuNanos() {
            return cpuNanos;
        }

        /** How late each sign-up started, in microseconds. */
        public long[] latenessMicros() {
            long[] lateness = new long[count];
            for (int i = 0; i < count; i++) {
                lateness[i] = Math.max(0, started[i] - dueNanos(i)) / 1000;
            }
            return lateness;
        }

        /** From each sign-up's due time to its commit, in microseconds: what a user arriving on time waited. */
        public long[] dueToCommitMicros() {
            long[] waits = new long[count];
            for (int i = 0; i < count; i++) {
                waits[i] = (committed[i] - dueNanos(i)) / 1000;
            }
            return waits;
        }

        /** Sign-ups per second from t0 to the last commit. */
        public double achievedRate() {
            long last = t0;
            for (long end : committed) {
                last = Math.max(last, end);
            }
            return last == t0 ? 0 : count / ((last - t0) / 1e9);
        }

        public Summary summary(int connections) {
            Distribution lateness = Distribution.ofMicros(latenessMicros());
            boolean behind = count > 0 && lateness.p99Ms() * 1000 > BEHIND_P99_MICROS;
            return new Summary(rate, connections, count, achievedRate(), lateness.p50Ms(), lateness.p99Ms(),
                    lateness.maxMs(), behind);
        }
    }

    /** The driver's part of the report. */
    public record Summary(int targetRate, int connections, int signUps, double achievedRate, Double latenessP50Ms,
            Double latenessP99Ms, Double latenessMaxMs, boolean behindSchedule) {
    }
}
