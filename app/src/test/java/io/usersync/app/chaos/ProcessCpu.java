package io.usersync.app.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and memory of a process of this (Linux) host, read from /proc: user plus system time of the process, and
 * for a PostgreSQL postmaster also of its backends, alive or reaped.
 */
final class ProcessCpu {

    /** The kernel's clock ticks per second, in which /proc gives CPU times. */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcessCpu() {
    }

    /** CPU nanoseconds used by {@code pid} itself; 0 for a process that is gone. */
    static long nanos(long pid) {
        return ownTicks(pid, false) * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** CPU nanoseconds used by {@code pid} and its children, alive or reaped; 0 for a process that is gone. */
    static long treeNanos(long pid) {
        long ticks = ownTicks(pid, true);
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            List<Long> children = entries.map(entry -> entry.getFileName().toString()).filter(name -> name.matches("\\d+"))
                    .map(Long::parseLong).filter(child -> parent(child) == pid).toList();
            for (long child : children) {
                ticks += ownTicks(child, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** CPU nanoseconds every core of the host has spent busy (not idle, not waiting for I/O) since it booted. */
    static long hostBusyNanos() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int field = 1; field < cpu.length && field <= 8; field++) {
                if (field != 4 && field != 5) {
                    busy += Long.parseLong(cpu[field]);
                }
            }
            return busy * 1_000_000_000L / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Peak resident memory of the process (VmHWM), in MiB; 0 for a process that is gone. */
    static double peakResidentMib(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmHWM:")).map(line -> line.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong).findFirst().orElse(0) / 1024.0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** utime + stime (+ cutime + cstime: the children it waited for) in ticks. */
    private static long ownTicks(long pid, boolean withReaped) {
        String[] fields = stat(pid);
        if (fields.length == 0) {
            return 0;
        }
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return withReaped ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
    }

    private static long parent(long pid) {
        String[] fields = stat(pid);
        return fields.length == 0 ? -1 : Long.parseLong(fields[1]);
    }

    /** The fields of /proc/<pid>/stat after the command name (which may hold spaces): state, ppid, ...; empty when gone. */
    private static String[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException e) {
            return new String[0];
        }
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String output = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(output) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
